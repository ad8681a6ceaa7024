using Microsoft.Extensions.Logging;
using Milter.Authentication.Arc;
using Milter.Authentication.Dkim;
using Milter.Authentication.Dmarc;
using Milter.Authentication.Iprev;
using Milter.Authentication.Spf;
using Milter.Daemon.Configuration;
using Milter.Dns;
using Milter.Protocol.Handling;
using Milter.Reporting.Failure;
using Milter.Reporting.History;

namespace Milter.Daemon.Filtering;

/// <summary>Creates an <see cref="AuthenticationMilterHandler"/> per MTA connection; the checks behind it are shared.</summary>
internal sealed class AuthenticationMilterHandlerFactory : IMilterHandlerFactory
{
    private readonly MilterSettings _settings;
    private readonly AuthenticationChecks _checks;
    private readonly ILogger _logger;
    private readonly HistoryEntryBuilder? _history;
    private readonly FailureReportOffer? _failureReports;

    /// <param name="settings">The configuration.</param>
    /// <param name="resolver">The shared DNS resolver.</param>
    /// <param name="loggerFactory">Where the per-message lines go.</param>
    /// <param name="clock">The clock of DKIM expiry, the SPF <c>%{t}</c> macro and the history's receive times; null for the system clock (<c>authmilter verify --now</c> sets one).</param>
    /// <param name="history">Where DMARC outcomes go for aggregate reports; null when the report history is off.</param>
    /// <param name="failureReporter">Sends failure reports; null, or <c>FailureReports</c> off, for none.</param>
    public AuthenticationMilterHandlerFactory(
        MilterSettings settings, IDnsResolver resolver, ILoggerFactory loggerFactory, TimeProvider? clock = null, IHistorySink? history = null, FailureReporter? failureReporter = null)
    {
        _settings = settings;
        _logger = loggerFactory.CreateLogger("authmilter");
        _history = history is null ? null : new HistoryEntryBuilder(settings, history, clock ?? TimeProvider.System);
        _failureReports = failureReporter is null || !settings.Reporting.FailureReports ? null : new FailureReportOffer(failureReporter, clock ?? TimeProvider.System);
        _checks = new AuthenticationChecks(
            settings.SpfMode == SpfMode.Off ? null : new SpfPolicy(new SpfChecker(resolver, new SpfOptions { ReceiverName = settings.AuthservId }, clock), settings),
            settings.DkimVerify ? new DkimChecker(resolver, settings.Dkim, clock) : null,
            settings.DmarcMode == DmarcMode.Off ? null : new DmarcEnforcer(new DmarcEvaluator(resolver, settings.Dmarc), settings),
            settings.IprevCheck ? new IprevChecker(resolver) : null,
            settings.ArcVerify ? new ArcChecker(new DnsDkimPublicKeyLocator(resolver, settings.Dkim, clock)) : null);
    }

    public IMilterHandler Create() => new AuthenticationMilterHandler(_settings, _checks, _logger, _history, _failureReports);
}
