using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Milter.Authentication.Arc;
using Milter.Authentication.Dkim;
using Milter.Authentication.Iprev;
using Milter.Authentication.Results;
using Milter.Authentication.Spf;
using Milter.Daemon.Configuration;
using Milter.Protocol;
using Milter.Protocol.Handling;

namespace Milter.Daemon.Filtering;

/// <summary>
/// The milter side of authmilter for one MTA connection: gathers what the checks need from the SMTP session
/// (SPF at MAIL FROM; the message rebuilt in a spool for DKIM), removes Authentication-Results headers forged
/// with our authserv-id, writes ours, logs one line per message, counts it in <see cref="FilterMetrics"/>, and hands
/// the DMARC outcome to the report history and the failure reporter. Mail from trusted networks or authenticated
/// clients is passed without checks.
/// </summary>
internal sealed class AuthenticationMilterHandler : IMilterHandler
{
    private static readonly ValueTask<MilterDecision> ContinueDecision = ValueTask.FromResult(MilterDecision.Continue);
    private static readonly ValueTask<MilterDecision> SkipDecision = ValueTask.FromResult(MilterDecision.Skip);

    private static readonly IReadOnlyDictionary<MacroStage, IReadOnlyList<string>> Macros = new Dictionary<MacroStage, IReadOnlyList<string>>
    {
        [MacroStage.Connect] = ["j", "{daemon_name}", "{client_addr}", "{client_name}"],
        [MacroStage.Helo] = ["{tls_version}", "{cipher}"],
        [MacroStage.MailFrom] = ["i", "{auth_authen}", "{auth_type}"],
        [MacroStage.EndOfMessage] = ["i"],
    };

    private readonly MilterSettings _settings;
    private readonly AuthenticationChecks _checks;
    private readonly ILogger _logger;
    private readonly HistoryEntryBuilder? _history;
    private readonly FailureReportOffer? _failureReports;
    private readonly MessageSpool _spool;
    private readonly List<int> _forgedOccurrences = [];
    private readonly List<string> _fromValues = [];
    private int _resultsHeaderCount;
    private bool _trustedClient;
    private string _authservId;
    private long _messageStarted;
    private string? _skipReason;
    private bool _signed;
    private SpfVerdict? _spfVerdict;
    private Task<SpfVerdict>? _pendingSpf;
    private CancellationTokenSource? _messageAbort;
    private DkimVerdict? _dkimVerdict;
    private DmarcVerdict? _dmarcVerdict;
    private IprevEvaluation? _iprev;
    private ArcResult? _arc;
    private string? _resultsValue;

    /// <param name="settings">The daemon configuration.</param>
    /// <param name="checks">The checks that are switched on.</param>
    /// <param name="logger">Where the per-message line goes.</param>
    /// <param name="history">Records DMARC outcomes for aggregate reports; null when the report history is off.</param>
    /// <param name="failureReports">Offers DMARC outcomes for failure reports; null when <c>FailureReports</c> is off.</param>
    public AuthenticationMilterHandler(MilterSettings settings, AuthenticationChecks checks, ILogger logger, HistoryEntryBuilder? history = null, FailureReportOffer? failureReports = null)
    {
        _settings = settings;
        _authservId = settings.AuthservId;
        _checks = checks;
        _logger = logger;
        _history = history;
        _failureReports = failureReports;
        _spool = new MessageSpool(settings.SpoolThreshold, settings.TempDirectory);
        var stages = MilterStages.Connect | MilterStages.Helo | MilterStages.MailFrom | MilterStages.Header;
        if (checks.Dkim is not null || checks.Arc is not null)
        {
            stages |= MilterStages.EndOfHeaders | MilterStages.Body;
        }

        // Reports need the recipients (envelope_to, Original-Rcpt-To, ReportSkipTo); otherwise the MTA is spared sending them.
        if ((history is not null || failureReports is not null) && checks.Dmarc is not null)
        {
            stages |= MilterStages.Recipient;
        }

        Requirements = new MilterHandlerRequirements(
            stages,
            checks.Spf is { MayRefuse: true } ? MilterStages.MailFrom : MilterStages.None,
            MilterActions.AddHeaders | MilterActions.ChangeHeaders | MilterActions.Quarantine,
            Macros);
    }

    public MilterHandlerRequirements Requirements { get; }

    public ValueTask<MilterDecision> OnConnectAsync(MilterContext context, CancellationToken cancellationToken)
    {
        _trustedClient = context.Connection?.Address is not { } address || IsTrusted(address);
        _authservId = !_settings.AuthservIdConfigured && context.Macro("j") is { Length: > 0 } mta ? mta : _settings.AuthservId;
        return ContinueDecision;
    }

    public ValueTask<MilterDecision> OnHeloAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public async ValueTask<MilterDecision> OnMailFromAsync(MilterContext context, CancellationToken cancellationToken)
    {
        _messageStarted = Stopwatch.GetTimestamp();
        _skipReason = _trustedClient ? "trusted network" : context.Macro("{auth_authen}") is { Length: > 0 } ? "authenticated client" : null;
        if (_skipReason is not null || _checks.Spf is not { } spf || context.Connection?.Address is not { } client)
        {
            return MilterDecision.Continue;
        }

        // An ABORT (OnMessageReset) cancels the check. Unless SPF may refuse MAIL FROM, nothing waits for it before
        // end of message, so it runs while the MTA sends recipients, headers and body.
        _messageAbort = new CancellationTokenSource();
        var check = spf.EvaluateAsync(client, context.Sender?.Address, context.Helo ?? string.Empty, _messageAbort.Token);
        if (!spf.MayRefuse)
        {
            _pendingSpf = check;
            return MilterDecision.Continue;
        }

        _spfVerdict = await check.ConfigureAwait(false);
        if (_spfVerdict.Decision != MilterDecision.Continue)
        {
            Log(context, _spfVerdict.Decision, quarantined: false);
        }

        return _spfVerdict.Decision;
    }

    public ValueTask<MilterDecision> OnRecipientAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnDataAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnHeaderAsync(MilterContext context, MilterHeader header, CancellationToken cancellationToken)
    {
        if (header.Name.Equals(AuthenticationResultsHeader.FieldName, StringComparison.OrdinalIgnoreCase))
        {
            _resultsHeaderCount++;
            if (string.Equals(AuthenticationResultsHeader.ReadAuthservId(header.Value), _authservId, StringComparison.OrdinalIgnoreCase))
            {
                _forgedOccurrences.Add(_resultsHeaderCount);
            }
        }

        if (_skipReason is null && _checks.Dmarc is not null && header.Name.Equals("From", StringComparison.OrdinalIgnoreCase))
        {
            _fromValues.Add(header.Value);
        }

        if (_skipReason is null && (_checks.Dkim is not null || _checks.Arc is not null))
        {
            _signed |= IsSignature(header.Name);
            _spool.AddHeader(header);
        }

        return ContinueDecision;
    }

    public ValueTask<MilterDecision> OnEndOfHeadersAsync(MilterContext context, CancellationToken cancellationToken)
    {
        _spool.EndHeaders();
        return ContinueDecision;
    }

    // An unsigned message needs no body: SMFIR_SKIP spares the MTA sending it.
    public ValueTask<MilterDecision> OnBodyChunkAsync(MilterContext context, ReadOnlySequence<byte> chunk, CancellationToken cancellationToken)
    {
        if (!_signed)
        {
            return SkipDecision;
        }

        _spool.AddBody(chunk);
        return ContinueDecision;
    }

    // While slow DNS holds the checks up, SMFIR_PROGRESS keeps the MTA's milter timeout from firing.
    public async ValueTask<MilterMessageResult> OnEndOfMessageAsync(MilterContext context, IMilterProgress progress, CancellationToken cancellationToken)
    {
        var work = CheckMessageAsync(context).AsTask();
        if (!work.IsCompleted)
        {
            using var stop = new CancellationTokenSource();
            while (await Task.WhenAny(work, Task.Delay(_settings.ProgressInterval, stop.Token)).ConfigureAwait(false) != work)
            {
                await progress.ReportAsync(cancellationToken).ConfigureAwait(false);
            }

            await stop.CancelAsync().ConfigureAwait(false);
        }

        return await work.ConfigureAwait(false);
    }

    private async ValueTask<MilterMessageResult> CheckMessageAsync(MilterContext context)
    {
        if (_pendingSpf is { } pending)
        {
            _spfVerdict = await pending.ConfigureAwait(false);
        }

        var result = new MilterMessageResult();

        // Our own relays may carry our own earlier verdicts; anyone else claiming our authserv-id is forging it.
        if (!_trustedClient)
        {
            foreach (var occurrence in _forgedOccurrences)
            {
                result.AddHeaderChange(new HeaderChange.Delete(AuthenticationResultsHeader.FieldName, occurrence));
            }
        }

        if (_skipReason is null)
        {
            await RunChecksAsync(context, result).ConfigureAwait(false);
            Report(context);
        }
        else if (context.Macro("{auth_authen}") is { Length: > 0 } user && !_trustedClient)
        {
            // Submission by a logged-in user is not checked, but says who authenticated (RFC 8601 section 2.7.4).
            var auth = new AuthenticationMethodResult("auth", "pass", null, [new("smtp.auth", user)]);
            result.AddHeaderChange(new HeaderChange.Insert(0, AuthenticationResultsHeader.FieldName, AuthenticationResultsHeader.Format(_authservId, [auth])));
            FilterMetrics.Result(auth.Method, auth.Result);
        }

        Log(context, result.Decision, result.QuarantineReason is not null);
        return result;
    }

    private async ValueTask RunChecksAsync(MilterContext context, MilterMessageResult result)
    {
        if (_checks.Dkim is { } dkim)
        {
            _dkimVerdict = new DkimVerdict(_signed ? await VerifyDkimAsync(dkim).ConfigureAwait(false) : []);
        }

        if (_checks.Arc is { } arc)
        {
            _arc = _signed ? await VerifyArcAsync(arc).ConfigureAwait(false) : new ArcResult { Result = ArcChainResult.None, Reason = "no ARC header fields" };
        }

        if (_checks.Iprev is { } iprev && context.Connection?.Address is { } client)
        {
            _iprev ??= await CheckIprevAsync(iprev, client).ConfigureAwait(false);
        }

        if (_checks.Dmarc is { } dmarc)
        {
            _dmarcVerdict = await dmarc.EvaluateAsync(_fromValues, _spfVerdict, _dkimVerdict, _arc).ConfigureAwait(false);
            Apply(_dmarcVerdict, result);
        }

        // Both go to the very top, Authentication-Results above Received-SPF (RFC 8601 section 5).
        if (_spfVerdict is { } spf)
        {
            result.AddHeaderChange(new HeaderChange.Insert(0, ReceivedSpfHeader.FieldName, ReceivedSpfHeader.Format(spf.MailFrom, _authservId)));
        }

        IEnumerable<AuthenticationMethodResult> methods =
        [
            .. _iprev is null ? [] : new[] { IprevEntry(_iprev) },
            .. _spfVerdict?.MethodResults() ?? [],
            .. _dkimVerdict?.MethodResults() ?? [],
            .. _arc is null ? [] : new[] { ArcEntry(_arc, context.Connection?.Address) },
            .. _dmarcVerdict?.MethodResults() ?? [],
        ];
        var entries = methods.ToArray();
        _resultsValue = AuthenticationResultsHeader.Format(_authservId, entries);
        result.AddHeaderChange(new HeaderChange.Insert(0, AuthenticationResultsHeader.FieldName, _resultsValue));
        foreach (var entry in entries)
        {
            FilterMetrics.Result(entry.Method, entry.Result);
        }
    }

    // A deferred message comes back and is reported then; mail to our report mailbox is never reported (loops).
    private void Report(MilterContext context)
    {
        if (_dmarcVerdict is not { Action: not DmarcAction.Tempfail } verdict || context.Connection?.Address is not { } client
            || (_history is null && _failureReports is null) || HistoryEntryBuilder.ToReportMailbox(_settings.Reporting, context.Recipients))
        {
            return;
        }

        _history?.Record(client, context.Sender, context.Recipients, verdict, _spfVerdict, _dkimVerdict);
        _failureReports?.Offer(context, client, verdict, _spfVerdict, _dkimVerdict, _resultsValue ?? string.Empty);
    }

    public void OnMessageReset(MilterContext context)
    {
        _forgedOccurrences.Clear();
        _resultsHeaderCount = 0;
        _skipReason = null;
        _signed = false;
        _spfVerdict = null;
        _pendingSpf = null;
        _messageAbort?.Cancel();
        _messageAbort?.Dispose();
        _messageAbort = null;
        _dkimVerdict = null;
        _dmarcVerdict = null;
        _arc = null;
        _resultsValue = null;
        _fromValues.Clear();
        _spool.Reset();
    }

    public void OnConnectionReset(MilterContext context)
    {
        _trustedClient = false;
        _iprev = null;
        _spool.Reset();
    }

    private async ValueTask<IReadOnlyList<DkimSignatureResult>> VerifyDkimAsync(DkimChecker dkim)
    {
        using var deadline = new CancellationTokenSource(_settings.DkimTimeout);
        using var message = _spool.OpenRead();
        try
        {
            return await dkim.VerifyAsync(message, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (deadline.IsCancellationRequested)
        {
            return [new DkimSignatureResult { Result = DkimResult.TempError, Reason = "time limit reached while reading the header", Exception = exception }];
        }
        catch (FormatException exception)
        {
            // A header block MimeKit cannot read cannot carry a usable signature; that is the sender's error, not ours.
            return [new DkimSignatureResult { Result = DkimResult.PermError, Reason = "message header could not be parsed", Exception = exception }];
        }
    }

    private void Log(MilterContext context, MilterDecision decision, bool quarantined)
    {
        var elapsed = Stopwatch.GetElapsedTime(_messageStarted);
        FilterMetrics.Message(_skipReason is null ? FilterMetrics.Verdict(decision, quarantined) : "skipped", elapsed);
        var results = _skipReason is not null
            ? $"skipped ({_skipReason})"
            : string.Join(' ', new[] { _iprev is null ? null : $"iprev={Keyword(_iprev.Result)}", _spfVerdict?.Summary(), _dkimVerdict?.Summary(), _arc is null ? null : $"arc={ArcKeyword(_arc.Result)}", _dmarcVerdict?.Summary() }.Where(s => s is not null)) is { Length: > 0 } text ? text : "none";
        FilterLog.Message(
            _logger,
            context.QueueId ?? "-",
            context.Connection?.Address?.ToString() ?? context.Connection?.HostName ?? "-",
            context.Helo ?? "-",
            context.Sender?.Address ?? string.Empty,
            results,
            _trustedClient ? 0 : _forgedOccurrences.Count,
            decision.ToString(),
            elapsed.TotalMilliseconds);
    }

    // RFC 8601 section 2.7.3: ptype "policy", property "iprev", the address checked; the name goes in the comment.
    private static AuthenticationMethodResult IprevEntry(IprevEvaluation iprev) =>
        new("iprev", Keyword(iprev.Result), iprev.Name ?? iprev.Reason, [new("policy.iprev", iprev.Address.ToString())]);

    private static string Keyword(IprevResult result) => result.ToString().ToLowerInvariant();

    private static bool IsSignature(string name) =>
        name.Equals("DKIM-Signature", StringComparison.OrdinalIgnoreCase)
        || name.Equals("ARC-Seal", StringComparison.OrdinalIgnoreCase)
        || name.Equals("ARC-Message-Signature", StringComparison.OrdinalIgnoreCase);

    // RFC 8617 section 10.1 registers none, pass and fail; a transient key failure is said as temperror rather than
    // passed off as a fail that a later retry could contradict.
    private static string ArcKeyword(ArcChainResult result) => result.ToString().ToLowerInvariant();

    // RFC 8617 section 10.1: header.oldest-pass for a passing chain, smtp.remote-ip for every result.
    private static AuthenticationMethodResult ArcEntry(ArcResult arc, IPAddress? client)
    {
        var properties = new List<KeyValuePair<string, string>>(2);
        if (arc.OldestPass is { } oldest)
        {
            properties.Add(new("header.oldest-pass", oldest.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (client is not null)
        {
            properties.Add(new("smtp.remote-ip", client.ToString()));
        }

        return new AuthenticationMethodResult("arc", ArcKeyword(arc.Result), arc.Result is ArcChainResult.Pass or ArcChainResult.None ? null : arc.Reason, properties);
    }

    private async ValueTask<ArcResult> VerifyArcAsync(ArcChecker arc)
    {
        using var deadline = new CancellationTokenSource(_settings.DkimTimeout);
        using var message = _spool.OpenRead();
        try
        {
            return await arc.VerifyAsync(message, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return new ArcResult { Result = ArcChainResult.TempError, Reason = "time limit reached while reading the header" };
        }
    }

    private async ValueTask<IprevEvaluation> CheckIprevAsync(IprevChecker iprev, IPAddress client)
    {
        using var deadline = new CancellationTokenSource(_settings.IprevTimeout);
        return await iprev.CheckAsync(client, deadline.Token).ConfigureAwait(false);
    }

    private static void Apply(DmarcVerdict verdict, MilterMessageResult result)
    {
        switch (verdict.Action)
        {
            case DmarcAction.RefuseFrom:
                result.Decision = MilterDecision.Reply("550", "5.7.1", verdict.Reason!);
                break;
            case DmarcAction.Reject:
                // RFC 7372 section 3.3: 5.7.26, multiple authentication checks (SPF and DKIM under DMARC) failed.
                result.Decision = MilterDecision.Reply("550", "5.7.26", verdict.Reason!);
                break;
            case DmarcAction.Quarantine:
                result.Quarantine(verdict.Reason!);
                break;
            case DmarcAction.Tempfail:
                result.Decision = MilterDecision.Reply("451", "4.4.3", verdict.Reason! + "; try again later");
                break;
        }
    }

    private bool IsTrusted(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _settings.TrustedNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
