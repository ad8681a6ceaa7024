using System.Net.Sockets;
using BenchmarkDotNet.Running;
using Milter.Benchmarks.BigMessage;
using Milter.Benchmarks.Load;
using Milter.Benchmarks.Pipeline;
using Milter.Benchmarks.Serve;
using Milter.Benchmarks.Spf;

namespace Milter.Benchmarks;

/// <summary>Entry point: <c>load</c>, <c>serve-noop</c>, <c>spf</c>, <c>bigmessage</c>, <c>pipeline</c> or <c>bench</c>.</summary>
public static class Program
{
    private const string Usage = """
        usage: Milter.Benchmarks load ...        drive a milter with concurrent MTA connections
               Milter.Benchmarks serve-noop ...  host the engine with a no-op handler until Ctrl-C/SIGTERM
               Milter.Benchmarks spf ...         SPF evaluations per second through the product's DNS stack and knotd
               Milter.Benchmarks bigmessage ...  the authmilter daemon's RSS rise for one big DKIM-signed message
               Milter.Benchmarks pipeline ...    messages/s through the authmilter daemon with every check on, knotd on loopback
               Milter.Benchmarks bench [BenchmarkDotNet args]   codec micro-benchmarks
        """;

    public static async Task<int> Main(string[] args)
    {
        var rest = args.Skip(1).ToArray();
        try
        {
            switch (args.FirstOrDefault())
            {
                case "load":
                    // The load generator shares the machine with the milter it measures: running socket continuations
                    // on the epoll thread roughly halves its CPU per message. Read once, before the first socket exists.
                    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
                    return await new LoadRunner(LoadOptions.Parse(rest)).RunAsync(Console.Out).ConfigureAwait(false);
                case "serve-noop":
                    return await NoopServer.RunAsync(ServeOptions.Parse(rest), Console.Out).ConfigureAwait(false);
                case "spf":
                    return await SpfRateRunner.RunAsync(SpfRateOptions.Parse(rest), Console.Out).ConfigureAwait(false);
                case "bigmessage":
                    return await BigMessageRunner.RunAsync(BigMessageOptions.Parse(rest), Console.Out).ConfigureAwait(false);
                case "pipeline":
                    // Not DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS as for load: the daemon started here would inherit it.
                    return await PipelineRunner.RunAsync(PipelineOptions.Parse(rest), Console.Out).ConfigureAwait(false);
                case "bench":
                    var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
                    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
                default:
                    Console.Error.WriteLine(Usage);
                    Console.Error.WriteLine(LoadOptions.Usage);
                    Console.Error.WriteLine(ServeOptions.Usage);
                    Console.Error.WriteLine(SpfRateOptions.Usage);
                    Console.Error.WriteLine(BigMessageOptions.Usage);
                    Console.Error.WriteLine(PipelineOptions.Usage);
                    return 2;
            }
        }
        catch (FormatException exception)
        {
            Console.Error.WriteLine(exception.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (Exception exception) when (exception is IOException or SocketException or TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine(exception.Message);
            return 2;
        }
    }
}
