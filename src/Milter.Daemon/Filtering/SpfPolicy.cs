using System.Net;
using Milter.Authentication.Spf;
using Milter.Daemon.Configuration;
using Milter.Protocol.Handling;

namespace Milter.Daemon.Filtering;

/// <summary>
/// Turns the SPF checks of a transaction into a verdict under <c>SpfMode</c>, <c>SpfRejectOn</c>,
/// <c>SpfTempfailOnError</c>, <c>SpfIgnoreHelo</c> and <c>SpfTimeout</c>. Shared by all connections.
/// </summary>
internal sealed class SpfPolicy
{
    private readonly SpfChecker _checker;
    private readonly MilterSettings _settings;

    public SpfPolicy(SpfChecker checker, MilterSettings settings)
    {
        _checker = checker;
        _settings = settings;
    }

    /// <summary>True when the policy can refuse mail at MAIL FROM, so that stage must be answered.</summary>
    public bool MayRefuse => _settings.SpfMode == SpfMode.Enforce;

    /// <summary>
    /// Checks the transaction within <c>SpfTimeout</c>; <paramref name="abort"/> stops it early (the MTA aborted the
    /// message). A timeout or an abort gives temperror results (the checker maps cancellation), never an exception.
    /// </summary>
    public async Task<SpfVerdict> EvaluateAsync(IPAddress client, string? mailFrom, string helo, CancellationToken abort)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(abort);
        deadline.CancelAfter(_settings.SpfTimeout);
        if (_settings.SpfIgnoreHelo || string.IsNullOrEmpty(mailFrom))
        {
            var only = await _checker.CheckMailFromAsync(client, mailFrom, helo, deadline.Token).ConfigureAwait(false);
            return new SpfVerdict(only, null, Decide([only], only));
        }

        var both = await _checker.CheckAsync(client, mailFrom, helo, deadline.Token).ConfigureAwait(false);
        return new SpfVerdict(both.MailFrom, both.Helo, Decide([both.MailFrom, both.Helo], both.MailFrom));
    }

    private MilterDecision Decide(SpfEvaluation[] evaluations, SpfEvaluation mailFrom)
    {
        if (_settings.SpfMode != SpfMode.Enforce)
        {
            return MilterDecision.Continue;
        }

        // RFC 7208 section 8.4 and RFC 7372: 550 5.7.23 for a refused identity, 451 4.7.24 for a temporary error.
        foreach (var evaluation in evaluations)
        {
            if (_settings.SpfRejectOn.Contains(evaluation.Result))
            {
                var identity = evaluation.Identity == SpfIdentity.Helo ? "HELO" : "MAIL FROM";
                var reason = evaluation.Explanation ?? $"{evaluation.ClientAddress} is not allowed to send mail for {evaluation.Domain}";
                return MilterDecision.Reply("550", "5.7.23", ReplyText.Printable($"SPF {identity} check {ReceivedSpfHeader.Keyword(evaluation.Result)}: {reason}"));
            }
        }

        if (_settings.SpfTempfailOnError && mailFrom.Result == SpfResult.TempError)
        {
            return MilterDecision.Reply("451", "4.7.24", ReplyText.Printable($"SPF check for {mailFrom.Domain} failed temporarily; try again later"));
        }

        return MilterDecision.Continue;
    }
}
