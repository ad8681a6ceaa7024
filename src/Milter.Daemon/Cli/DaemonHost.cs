using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Milter.Daemon.Configuration;
using Milter.Daemon.Filtering;
using Milter.Daemon.Hosting;
using Milter.Daemon.Logging;
using Milter.Dns;
using Milter.Protocol.Handling;
using NLog.Extensions.Logging;

namespace Milter.Daemon.Cli;

/// <summary>Runs the daemon: the generic host with systemd integration, NLog, and the milter listener.</summary>
internal static class DaemonHost
{
    public static async Task<int> RunAsync(MilterSettings settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "authmilter" });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddNLog(LoggingSetup.Create(settings));
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<IDnsResolver>(new CachingDnsResolver(new DnsClientResolver(settings.Dns), settings.Dns));
        builder.Services.AddSingleton<IMilterHandlerFactory, AuthenticationMilterHandlerFactory>();
        builder.Services.AddHostedService<MilterListenerService>();

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("authmilter");
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or ArgumentException)
        {
            DaemonLog.StartFailed(logger, settings.Socket.Text, exception.Message);
            return ExitCodes.Failure;
        }
        finally
        {
            NLog.LogManager.Shutdown();
        }
    }
}
