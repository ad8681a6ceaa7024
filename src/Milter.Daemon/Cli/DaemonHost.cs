using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Milter.Daemon.Configuration;
using Milter.Daemon.Filtering;
using Milter.Daemon.Hosting;
using Milter.Daemon.Logging;
using Milter.Daemon.Web;
using Milter.Dns;
using Milter.Protocol.Handling;
using Milter.Reporting.Failure;
using Milter.Reporting.Outgoing;
using NLog.Extensions.Logging;

namespace Milter.Daemon.Cli;

/// <summary>
/// Runs the daemon: the generic host with systemd integration, NLog, the report history and the milter listener.
/// DI holds the <see cref="MilterSettings"/>, the shared <see cref="IDnsResolver"/>, the <see cref="IMilterHandlerFactory"/>
/// and the <see cref="ReportHistory"/> (its <c>Store</c> and <c>Recorder</c> are null when the history is off); with
/// <c>FailureReports yes</c> also the <see cref="FailureReporter"/>.
/// </summary>
internal static class DaemonHost
{
    public static async Task<int> RunAsync(MilterSettings settings)
    {
        // Opened once the host's logging exists, before any hosted service is created: the handler factory needs the recorder.
        ReportHistory? history = null;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "authmilter" });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddNLog(LoggingSetup.Create(settings));
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(settings);
        var dns = new CachingDnsResolver(new DnsClientResolver(settings.Dns), settings.Dns);
        builder.Services.AddSingleton<IDnsResolver>(dns);
        builder.Services.AddSingleton(_ => history ?? throw new InvalidOperationException("The report history is opened before the host starts."));
        builder.Services.AddSingleton<IMilterHandlerFactory>(services => new AuthenticationMilterHandlerFactory(
            settings,
            services.GetRequiredService<IDnsResolver>(),
            services.GetRequiredService<ILoggerFactory>(),
            history: services.GetRequiredService<ReportHistory>().Recorder,
            failureReporter: services.GetService<FailureReporter>()));
        if (settings.Reporting.FailureReports)
        {
            builder.Services.AddSingleton(services => new FailureReporter(
                settings.Reporting,
                new SmtpMailSubmitter(settings.Reporting),
                new ReportDestinationVerifier(services.GetRequiredService<IDnsResolver>()),
                services.GetRequiredService<ILoggerFactory>().CreateLogger("authmilter.failure")));
            builder.Services.AddHostedService<FailureReportService>();
        }

        if (settings.Reporting.Enabled)
        {
            builder.Services.AddHostedService<ReportSchedulerService>();
        }

        // Hosted services stop in reverse order: the listener first, so the recorder drains a queue nothing adds to.
        builder.Services.AddHostedService<HistoryService>();
        builder.Services.AddSingleton<MilterListenerService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MilterListenerService>());
        if (settings.HttpListen is not null)
        {
            builder.Services.AddHostedService(services => HttpEndpoint(services, settings, dns));
        }

        using var host = builder.Build();
        var loggerFactory = host.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("authmilter");
        try
        {
            history = await ReportHistory.OpenAsync(settings.Reporting, loggerFactory, CancellationToken.None).ConfigureAwait(false);
            await host.RunAsync().ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or ArgumentException)
        {
            DaemonLog.StartFailed(logger, exception.Message);
            return ExitCodes.Failure;
        }
        finally
        {
            if (history is not null)
            {
                await history.CloseAsync().ConfigureAwait(false);
            }

            NLog.LogManager.Shutdown();
        }
    }

    // Built when the host starts, after the history was opened: the dashboard and /healthz need its store.
    private static HttpEndpointService HttpEndpoint(IServiceProvider services, MilterSettings settings, CachingDnsResolver dns)
    {
        var listener = services.GetRequiredService<MilterListenerService>();
        var history = services.GetRequiredService<ReportHistory>();
        var recorder = history.Recorder;
        var sources = new DaemonMetricSources
        {
            DnsStatistics = () => dns.Statistics,
            ActiveConnections = () => listener.ActiveConnections,
            ReportQueueDepth = recorder is null ? null : () => recorder.QueueDepth,
            HistoryWritten = recorder is null ? null : () => recorder.Written,
            HistoryDropped = recorder is null ? null : () => recorder.Dropped,
        };
        HealthCheck[] checks = history.Store is { } store
            ? [HealthCheck.MilterListener(() => listener.IsListening), HealthCheck.ReportStore(store)]
            : [HealthCheck.MilterListener(() => listener.IsListening)];
        return new HttpEndpointService(settings, sources, checks, history.Store, TimeProvider.System, services.GetRequiredService<ILoggerFactory>());
    }
}
