using Microsoft.Extensions.Hosting;
using Milter.Reporting.Failure;

namespace Milter.Daemon.Hosting;

/// <summary>Sends the failure reports the handlers queue, for the host's lifetime (registered only with <c>FailureReports yes</c>).</summary>
internal sealed class FailureReportService(FailureReporter reporter) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => reporter.RunAsync(stoppingToken);
}
