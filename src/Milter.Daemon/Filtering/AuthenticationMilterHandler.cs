using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Milter.Authentication.Results;
using Milter.Authentication.Spf;
using Milter.Daemon.Configuration;
using Milter.Protocol;
using Milter.Protocol.Handling;

namespace Milter.Daemon.Filtering;

/// <summary>
/// The milter side of authmilter for one MTA connection: gathers what the checks need from the SMTP
/// session, removes Authentication-Results headers forged with our authserv-id, writes ours, and logs one
/// line per message. Mail from trusted networks or authenticated clients is passed without checks.
/// </summary>
internal sealed class AuthenticationMilterHandler : IMilterHandler
{
    private static readonly ValueTask<MilterDecision> ContinueDecision = ValueTask.FromResult(MilterDecision.Continue);

    private static readonly IReadOnlyDictionary<MacroStage, IReadOnlyList<string>> Macros = new Dictionary<MacroStage, IReadOnlyList<string>>
    {
        [MacroStage.Connect] = ["j", "{daemon_name}", "{client_addr}", "{client_name}"],
        [MacroStage.Helo] = ["{tls_version}", "{cipher}"],
        [MacroStage.MailFrom] = ["i", "{auth_authen}", "{auth_type}"],
        [MacroStage.EndOfMessage] = ["i"],
    };

    private readonly MilterSettings _settings;
    private readonly SpfPolicy? _spf;
    private readonly ILogger _logger;
    private readonly List<int> _forgedOccurrences = [];
    private int _resultsHeaderCount;
    private bool _trustedClient;
    private long _messageStarted;
    private string? _skipReason;
    private SpfVerdict? _spfVerdict;

    /// <param name="settings">The daemon configuration.</param>
    /// <param name="spf">The SPF policy; null with <c>SpfMode off</c>.</param>
    /// <param name="logger">Where the per-message line goes.</param>
    public AuthenticationMilterHandler(MilterSettings settings, SpfPolicy? spf, ILogger logger)
    {
        _settings = settings;
        _spf = spf;
        _logger = logger;
        Requirements = new MilterHandlerRequirements(
            MilterStages.Connect | MilterStages.Helo | MilterStages.MailFrom | MilterStages.Header,
            spf is { MayRefuse: true } ? MilterStages.MailFrom : MilterStages.None,
            MilterActions.AddHeaders | MilterActions.ChangeHeaders | MilterActions.Quarantine,
            Macros);
    }

    public MilterHandlerRequirements Requirements { get; }

    public ValueTask<MilterDecision> OnConnectAsync(MilterContext context, CancellationToken cancellationToken)
    {
        _trustedClient = context.Connection?.Address is not { } address || IsTrusted(address);
        return ContinueDecision;
    }

    public ValueTask<MilterDecision> OnHeloAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public async ValueTask<MilterDecision> OnMailFromAsync(MilterContext context, CancellationToken cancellationToken)
    {
        _messageStarted = Stopwatch.GetTimestamp();
        _skipReason = _trustedClient ? "trusted network" : context.Macro("{auth_authen}") is { Length: > 0 } ? "authenticated client" : null;
        if (_skipReason is not null || _spf is null || context.Connection?.Address is not { } client)
        {
            return MilterDecision.Continue;
        }

        _spfVerdict = await _spf.EvaluateAsync(client, context.Sender?.Address, context.Helo ?? string.Empty).ConfigureAwait(false);
        if (_spfVerdict.Decision != MilterDecision.Continue)
        {
            Log(context, _spfVerdict.Decision);
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
            if (string.Equals(AuthenticationResultsHeader.ReadAuthservId(header.Value), _settings.AuthservId, StringComparison.OrdinalIgnoreCase))
            {
                _forgedOccurrences.Add(_resultsHeaderCount);
            }
        }

        return ContinueDecision;
    }

    public ValueTask<MilterDecision> OnEndOfHeadersAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnBodyChunkAsync(MilterContext context, ReadOnlySequence<byte> chunk, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterMessageResult> OnEndOfMessageAsync(MilterContext context, IMilterProgress progress, CancellationToken cancellationToken)
    {
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
            // Both go to the very top, Authentication-Results above Received-SPF (RFC 8601 section 5).
            if (_spfVerdict is { } spf)
            {
                result.AddHeaderChange(new HeaderChange.Insert(0, ReceivedSpfHeader.FieldName, ReceivedSpfHeader.Format(spf.MailFrom, _settings.AuthservId)));
            }

            var methods = _spfVerdict?.MethodResults().ToArray() ?? [];
            result.AddHeaderChange(new HeaderChange.Insert(0, AuthenticationResultsHeader.FieldName, AuthenticationResultsHeader.Format(_settings.AuthservId, methods)));
        }

        Log(context, result.Decision);
        return ValueTask.FromResult(result);
    }

    public void OnMessageReset(MilterContext context)
    {
        _forgedOccurrences.Clear();
        _resultsHeaderCount = 0;
        _skipReason = null;
        _spfVerdict = null;
    }

    private void Log(MilterContext context, MilterDecision decision) =>
        FilterLog.Message(
            _logger,
            context.QueueId ?? "-",
            context.Connection?.Address?.ToString() ?? context.Connection?.HostName ?? "-",
            context.Helo ?? "-",
            context.Sender?.Address ?? string.Empty,
            _skipReason is not null ? $"skipped ({_skipReason})" : _spfVerdict?.Summary() ?? "none",
            _trustedClient ? 0 : _forgedOccurrences.Count,
            decision.ToString(),
            Stopwatch.GetElapsedTime(_messageStarted).TotalMilliseconds);

    public void OnConnectionReset(MilterContext context) => _trustedClient = false;

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
