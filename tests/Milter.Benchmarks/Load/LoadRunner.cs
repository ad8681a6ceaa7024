using System.Diagnostics;
using System.Net;
using Milter.TestKit.Client;

namespace Milter.Benchmarks.Load;

/// <summary>
/// Drives a milter like a busy Postfix: N concurrent milter connections, each one SMTP session that
/// sends message after message (MAIL … end of message) replaying the .eml files, until the message
/// budget or the duration is used up. Connections are started spread over the ramp time; the whole
/// run is bounded by the hard timeout. The messages are the .eml files of the options, or given in memory.
/// </summary>
public sealed class LoadRunner
{
    private const int MaxErrorSamples = 5;

    private readonly LoadOptions _options;
    private readonly ParsedEml[] _messages;
    private readonly MilterEnvelope _envelope;
    private readonly List<string> _errorSamples = [];
    private long _remaining;
    private long _errors;
    private long _refused;
    private volatile bool _stopping;
    private MilterTransactionResult? _firstResult;

    /// <summary>A runner replaying the .eml files of <paramref name="options"/>.</summary>
    public LoadRunner(LoadOptions options)
        : this(options, options.EmlFiles.Select(ParsedEml.Load).ToArray())
    {
    }

    /// <summary>A runner replaying <paramref name="messages"/> round-robin (the .eml files of <paramref name="options"/> are not read).</summary>
    public LoadRunner(LoadOptions options, IReadOnlyList<ParsedEml> messages)
    {
        _options = options;
        _messages = messages.ToArray();
        _envelope = new MilterEnvelope(options.Sender, "<bob@example.test>");
        _remaining = options.Messages ?? long.MaxValue;
    }

    /// <summary>The milter's answer to the first message completed, once <see cref="RunAsync"/> has returned; null when none was.</summary>
    public MilterTransactionResult? FirstResult => _firstResult;

    /// <summary>Messages the milter refused (a verdict other than continue or accept), once <see cref="RunAsync"/> has returned.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Runs the load and prints the report; returns the process exit code (0 when no message failed).</summary>
    public async Task<int> RunAsync(TextWriter output)
    {
        var endPoint = MilterClient.ParseEndPoint(_options.Socket);
        var before = _options.DaemonPid is { } pid ? ProcessStats.TryRead(pid) : null;
        var self = Process.GetCurrentProcess();
        var selfUser = self.UserProcessorTime;
        var selfSystem = self.PrivilegedProcessorTime;
        using var hardLimit = new CancellationTokenSource(_options.Timeout);
        using var durationLimit = _options.Duration is { } duration ? new Timer(_ => _stopping = true, null, duration, Timeout.InfiniteTimeSpan) : null;

        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, _options.Connections)
            .Select(i => Task.Run(() => RunConnectionAsync(i, endPoint, hardLimit.Token)))
            .ToArray();
        var latencies = await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = stopwatch.Elapsed;

        var after = _options.DaemonPid is { } daemonPid ? ProcessStats.TryRead(daemonPid) : null;
        self.Refresh();
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);

        output.WriteLine($"socket            {_options.Socket}");
        output.WriteLine($"connections       {_options.Connections}");
        output.WriteLine($"messages          {all.Length} in {elapsed.TotalSeconds:F2} s{(hardLimit.IsCancellationRequested ? " (hard timeout hit)" : string.Empty)}");
        output.WriteLine($"messages/s        {all.Length / elapsed.TotalSeconds:F0}");
        output.WriteLine($"latency ms        p50 {Percentiles.Milliseconds(all, 0.50):F3}  p90 {Percentiles.Milliseconds(all, 0.90):F3}  p99 {Percentiles.Milliseconds(all, 0.99):F3}  max {Percentiles.Milliseconds(all, 1.0):F3}");
        output.WriteLine($"refused           {Refused} (milter verdict other than continue/accept)");
        output.WriteLine($"errors            {Interlocked.Read(ref _errors)}");
        lock (_errorSamples)
        {
            foreach (var sample in _errorSamples)
            {
                output.WriteLine($"  error: {sample}");
            }
        }

        output.WriteLine($"client cpu        user {(self.UserProcessorTime - selfUser).TotalSeconds:F2} s  system {(self.PrivilegedProcessorTime - selfSystem).TotalSeconds:F2} s");
        if (before is not null && after is not null)
        {
            var user = after.UserTime - before.UserTime;
            var system = after.SystemTime - before.SystemTime;
            output.WriteLine($"daemon cpu        user {user.TotalSeconds:F2} s  system {system.TotalSeconds:F2} s  ({(user + system).TotalSeconds / elapsed.TotalSeconds * 100:F0}% of one core; {(user + system).TotalMilliseconds * 1000 / Math.Max(1, all.Length):F1} µs per message)");
            output.WriteLine($"daemon memory     peak RSS (VmHWM) {after.PeakResidentBytes / (1024.0 * 1024):F1} MB  RSS now {after.ResidentBytes / (1024.0 * 1024):F1} MB");
        }
        else if (_options.DaemonPid is not null)
        {
            output.WriteLine($"daemon            /proc/{_options.DaemonPid} could not be read");
        }

        return Interlocked.Read(ref _errors) == 0 && !hardLimit.IsCancellationRequested ? 0 : 1;
    }

    private async Task<List<long>> RunConnectionAsync(int index, EndPoint endPoint, CancellationToken cancellationToken)
    {
        var latencies = new List<long>();
        try
        {
            await Task.Delay(_options.Ramp * index / _options.Connections, cancellationToken).ConfigureAwait(false);
            while (!_stopping && !cancellationToken.IsCancellationRequested && Interlocked.Read(ref _remaining) > 0)
            {
                try
                {
                    await RunSessionAsync(index, endPoint, latencies, index + latencies.Count, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    RecordError(exception);

                    // Back off before reconnecting so that a dead milter does not turn into a busy loop.
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The hard limit ended the run; the report says so.
        }

        return latencies;
    }

    private async Task RunSessionAsync(int index, EndPoint endPoint, List<long> latencies, int firstMessage, CancellationToken cancellationToken)
    {
        await using var client = await MilterClient.OpenAsync(endPoint, null, cancellationToken).ConfigureAwait(false);
        await client.NegotiateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var address = _options.Client ?? new IPAddress([198, 51, (byte)(index >> 8), (byte)index]);
        var reply = await client.ConnectAsync($"client{index}.example.net", address, 40000 + (index % 20000), null, cancellationToken).ConfigureAwait(false);
        reply = reply.IsContinue ? await client.HeloAsync($"client{index}.example.net", null, cancellationToken).ConfigureAwait(false) : reply;
        if (!reply.IsContinue)
        {
            throw new InvalidOperationException($"The milter answered '{reply}' before the first message.");
        }

        for (var sent = 0; !_stopping && Interlocked.Decrement(ref _remaining) >= 0; sent++)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await client.SendMessageAsync(_messages[(firstMessage + sent) % _messages.Length], _envelope, cancellationToken).ConfigureAwait(false);
            latencies.Add(Stopwatch.GetTimestamp() - start);
            Interlocked.CompareExchange(ref _firstResult, result, null);
            if (result.Reply.IsRefusal)
            {
                Interlocked.Increment(ref _refused);
            }
        }

        await client.QuitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void RecordError(Exception exception)
    {
        Interlocked.Increment(ref _errors);
        lock (_errorSamples)
        {
            if (_errorSamples.Count < MaxErrorSamples)
            {
                _errorSamples.Add($"{exception.GetType().Name}: {exception.Message}");
            }
        }
    }
}
