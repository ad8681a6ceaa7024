using System.Net;
using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using Milter.Daemon.Configuration;
using Milter.Protocol.Handling;
using Milter.Reporting;
using Milter.Reporting.Aggregate;
using Milter.Reporting.History;

namespace Milter.Daemon.Filtering;

/// <summary>
/// Turns the DMARC outcome of a message into report history: one <see cref="HistoryEntry"/> per author domain,
/// with the disposition the message got and, when that differs from what the domain's record asked, the RFC 9990
/// section 3.1.3 override reasons (local_policy, policy_test_mode, trusted_forwarder, other). Shared by all connections.
/// </summary>
internal sealed class HistoryEntryBuilder
{
    private readonly MilterSettings _settings;
    private readonly IHistorySink _sink;
    private readonly TimeProvider _clock;

    /// <param name="settings">The local DMARC policy keys and <c>ReportSkipTo</c>.</param>
    /// <param name="sink">Where entries go.</param>
    /// <param name="clock">The time of <see cref="HistoryEntry.Received"/>.</param>
    public HistoryEntryBuilder(MilterSettings settings, IHistorySink sink, TimeProvider clock)
    {
        _settings = settings;
        _sink = sink;
        _clock = clock;
    }

    /// <summary>Hands the message's entries to the sink; returns how many it took. A full sink drops entries, never waits.</summary>
    public int Record(IPAddress source, MilterEnvelopeAddress? sender, IReadOnlyList<MilterEnvelopeAddress> recipients, DmarcVerdict verdict, SpfVerdict? spf, DkimVerdict? dkim)
    {
        var taken = 0;
        foreach (var entry in Build(source, sender, recipients, verdict, spf, dkim))
        {
            taken += _sink.TryRecord(entry) ? 1 : 0;
        }

        return taken;
    }

    /// <summary>
    /// Whether a recipient is in <c>ReportSkipTo</c> (a whole address, or a bare domain matching its domain): mail to
    /// our own report mailbox is neither recorded nor answered with failure reports, which could loop.
    /// </summary>
    public static bool ToReportMailbox(ReportingOptions options, IReadOnlyList<MilterEnvelopeAddress> recipients) =>
        recipients.Any(r => options.SkipTo.Contains(r.Address) || options.SkipTo.Contains(DomainOf(r.Address)));

    /// <summary>The entries of one message, one per evaluated author domain.</summary>
    public IReadOnlyList<HistoryEntry> Build(IPAddress source, MilterEnvelopeAddress? sender, IReadOnlyList<MilterEnvelopeAddress> recipients, DmarcVerdict verdict, SpfVerdict? spf, DkimVerdict? dkim)
    {
        var received = _clock.GetUtcNow();
        var ip = source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source;
        var applied = verdict.Action switch
        {
            DmarcAction.Reject or DmarcAction.RefuseFrom => DmarcPolicy.Reject,
            DmarcAction.Quarantine => DmarcPolicy.Quarantine,
            _ => DmarcPolicy.None,
        };

        // RFC 9990 wants one SPF result, the one DMARC used: MAIL FROM, or HELO for the null sender.
        SpfAuthResult[] spfResults = spf is null
            ? []
            : [new SpfAuthResult(spf.MailFrom.Domain, spf.MailFrom.EnvelopeFrom is null ? "helo" : "mfrom", ReceivedSpfHeader.Keyword(spf.MailFrom.Result))];
        DkimAuthResult[] dkimResults = dkim is null
            ? []
            : [.. dkim.Signatures.Where(s => s.Domain is not null).Select(s => new DkimAuthResult(s.Domain!, s.Selector, DkimVerdict.Keyword(s.Result)))];
        var envelopeFrom = sender is null ? null : sender.IsNull ? string.Empty : DomainOf(sender.Address);
        var envelopeTo = recipients.Count == 0 ? null : DomainOf(recipients[0].Address);

        var entries = new HistoryEntry[verdict.Check.Evaluations.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var evaluation = verdict.Check.Evaluations[i];
            var evaluated = new PolicyEvaluated(DmarcEvaluation.Name(applied), evaluation.DkimAligned is null ? "fail" : "pass", evaluation.SpfAligned ? "pass" : "fail")
            {
                Reasons = Reasons(evaluation, verdict, applied),
            };
            var row = new ReportRecord(ip, 1, evaluated, evaluation.AuthorDomain)
            {
                EnvelopeFrom = envelopeFrom,
                EnvelopeTo = envelopeTo,
                Dkim = dkimResults,
                Spf = spfResults,
            };
            entries[i] = new HistoryEntry(received, evaluation.PolicyDomain ?? evaluation.AuthorDomain, evaluation.Record?.Text, row);
        }

        return entries;
    }

    // Follows DmarcEnforcer's path for one domain: each local rule that changed the disposition on the way is a reason.
    private List<PolicyOverrideReason> Reasons(DmarcEvaluation evaluation, DmarcVerdict verdict, DmarcPolicy applied)
    {
        var reasons = new List<PolicyOverrideReason>();
        var failed = evaluation.Result == DmarcResult.Fail;
        var effective = evaluation.Disposition;
        if (failed && _settings.DmarcOverrides.TryGetValue(evaluation.AuthorDomain, out var local))
        {
            if (local != effective)
            {
                reasons.Add(new("local_policy", $"DmarcOverrides: {DmarcEvaluation.Name(local)}"));
                effective = local;
            }
        }
        else if (evaluation.TestingModeApplied && evaluation.RequestedPolicy is { } requested)
        {
            if (!_settings.DmarcHonorPct && evaluation.Record is { Testing: false, Percentage: 0 })
            {
                reasons.Add(new("local_policy", "DmarcHonorPct no: pct=0 applied in full"));
                effective = requested;
            }
            else
            {
                reasons.Add(new("policy_test_mode", evaluation.Record is { Testing: true } ? "t=y" : "pct=0"));
            }
        }

        if (effective != DmarcPolicy.None && _settings.IgnoreDomains.Contains(evaluation.AuthorDomain))
        {
            reasons.Add(new("local_policy", "IgnoreDomains"));
            effective = DmarcPolicy.None;
        }

        if (effective != DmarcPolicy.None && _settings.DmarcMode != DmarcMode.Enforce)
        {
            reasons.Add(new("local_policy", "DmarcMode header"));
            effective = DmarcPolicy.None;
        }

        if (effective == DmarcPolicy.Reject && _settings.DmarcRejectAction == DmarcPolicy.Quarantine)
        {
            reasons.Add(new("local_policy", "DmarcRejectAction quarantine"));
            effective = DmarcPolicy.Quarantine;
        }

        if (effective != DmarcPolicy.None && failed && verdict.Override is { } sealer)
        {
            reasons.Add(new("trusted_forwarder", $"ARC sealer {sealer}"));
            effective = DmarcPolicy.None;
        }

        if (applied != effective)
        {
            reasons.Add(verdict.Action == DmarcAction.RefuseFrom
                ? new("local_policy", verdict.Reason)
                : new("other", "policy of another author domain"));
        }

        return reasons;
    }

    private static string DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return (at < 0 ? string.Empty : address[(at + 1)..]).TrimEnd('.').ToLowerInvariant();
    }
}
