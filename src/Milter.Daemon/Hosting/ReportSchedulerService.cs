using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Milter.Daemon.Configuration;
using Milter.Dns;
using Milter.Reporting.Outgoing;

namespace Milter.Daemon.Hosting;

/// <summary>
/// Sends the aggregate reports of each period once it is over, for the host's lifetime (registered only with
/// <c>ReportingEnabled yes</c>). Several daemons sharing one database may all run it: the store's lease lets one send.
/// </summary>
internal sealed class ReportSchedulerService(MilterSettings settings, ReportHistory history, IDnsResolver resolver, ILoggerFactory loggerFactory) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (history.Store is not { } store)
        {
            HistoryLog.SchedulerWithoutStore(loggerFactory.CreateLogger("authmilter"), history.Name);
            return Task.CompletedTask;
        }

        var options = settings.Reporting;
        var sender = new ReportSender(
            store,
            new ReportBuilder(options, ReportBuilder.DiscoveryMethod(settings.Dmarc.Discovery)),
            new ReportDestinationVerifier(resolver),
            new SmtpMailSubmitter(options),
            options,
            TimeProvider.System,
            loggerFactory.CreateLogger<ReportSender>());
        return new ReportScheduler(sender, options, TimeProvider.System, loggerFactory.CreateLogger<ReportScheduler>()).RunAsync(stoppingToken);
    }
}
