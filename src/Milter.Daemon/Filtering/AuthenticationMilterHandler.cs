using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Milter.Authentication.Results;
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

    private static readonly MilterHandlerRequirements HandlerRequirements = new(
        MilterStages.Connect | MilterStages.Helo | MilterStages.MailFrom | MilterStages.Header,
        MilterStages.None,
        MilterActions.AddHeaders | MilterActions.ChangeHeaders | MilterActions.Quarantine,
        new Dictionary<MacroStage, IReadOnlyList<string>>
        {
            [MacroStage.Connect] = ["j", "{daemon_name}", "{client_addr}", "{client_name}"],
            [MacroStage.Helo] = ["{tls_version}", "{cipher}"],
            [MacroStage.MailFrom] = ["i", "{auth_authen}", "{auth_type}"],
            [MacroStage.EndOfMessage] = ["i"],
        });

    private readonly MilterSettings _settings;
    private readonly ILogger _logger;
    private readonly List<int> _forgedOccurrences = [];
    private int _resultsHeaderCount;
    private bool _trustedClient;
    private long _messageStarted;

    public AuthenticationMilterHandler(MilterSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
    }

    public MilterHandlerRequirements Requirements => HandlerRequirements;

    public ValueTask<MilterDecision> OnConnectAsync(MilterContext context, CancellationToken cancellationToken)
    {
        _trustedClient = context.Connection?.Address is not { } address || IsTrusted(address);
        return ContinueDecision;
    }

    public ValueTask<MilterDecision> OnHeloAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnMailFromAsync(MilterContext context, CancellationToken cancellationToken)
    {
        _messageStarted = Stopwatch.GetTimestamp();
        return ContinueDecision;
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
        var skipReason = _trustedClient ? "trusted network" : context.Macro("{auth_authen}") is { Length: > 0 } ? "authenticated client" : null;

        // Our own relays may carry our own earlier verdicts; anyone else claiming our authserv-id is forging it.
        if (!_trustedClient)
        {
            foreach (var occurrence in _forgedOccurrences)
            {
                result.AddHeaderChange(new HeaderChange.Delete(AuthenticationResultsHeader.FieldName, occurrence));
            }
        }

        if (skipReason is null)
        {
            result.AddHeaderChange(new HeaderChange.Insert(0, AuthenticationResultsHeader.FieldName, AuthenticationResultsHeader.Format(_settings.AuthservId, [])));
        }

        FilterLog.Message(
            _logger,
            context.QueueId ?? "-",
            context.Connection?.Address?.ToString() ?? context.Connection?.HostName ?? "-",
            context.Helo ?? "-",
            context.Sender?.Address ?? string.Empty,
            skipReason is null ? "none" : $"skipped ({skipReason})",
            _forgedOccurrences.Count,
            result.Decision.ToString(),
            Stopwatch.GetElapsedTime(_messageStarted).TotalMilliseconds);
        return ValueTask.FromResult(result);
    }

    public void OnMessageReset(MilterContext context)
    {
        _forgedOccurrences.Clear();
        _resultsHeaderCount = 0;
    }

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
