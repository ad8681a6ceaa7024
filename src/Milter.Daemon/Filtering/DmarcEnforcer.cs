using Milter.Authentication.Arc;
using Milter.Authentication.Dkim;
using Milter.Authentication.Dmarc;
using Milter.Daemon.Configuration;

namespace Milter.Daemon.Filtering;

/// <summary>
/// Evaluates DMARC for a message from its From fields and the SPF and DKIM verdicts, and turns the domain owner's
/// policy into an action under <c>DmarcMode</c>, <c>DmarcRejectAction</c>, <c>DmarcTempfailOnError</c>,
/// <c>RejectMultiValueFrom</c> and <c>RejectMalformedFrom</c>. Shared by all connections.
/// </summary>
internal sealed class DmarcEnforcer
{
    private readonly DmarcEvaluator _evaluator;
    private readonly MilterSettings _settings;

    public DmarcEnforcer(DmarcEvaluator evaluator, MilterSettings settings)
    {
        _evaluator = evaluator;
        _settings = settings;
    }

    public async ValueTask<DmarcVerdict> EvaluateAsync(IReadOnlyList<string> fromValues, SpfVerdict? spf, DkimVerdict? dkim, ArcResult? arc)
    {
        var authors = AuthorDomainExtractor.Extract(fromValues);
        var spfInput = spf is null ? DmarcSpfInput.NotChecked : new DmarcSpfInput(spf.MailFrom.Result, spf.MailFrom.Domain);
        var dkimInput = dkim?.Signatures
            .Where(s => s.Domain is not null)
            .Select(s => new DmarcDkimInput(s.Domain!, s.Selector ?? string.Empty, Outcome(s.Result)))
            .ToArray() ?? [];
        using var deadline = new CancellationTokenSource(_settings.DmarcTimeout);
        DmarcCheckResult check;
        try
        {
            check = await _evaluator.CheckAsync(authors, spfInput, dkimInput, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var timedOut = authors.Domains.Select(d => new DmarcEvaluation(DmarcResult.TempError, d, "time limit reached")).ToArray();
            check = new DmarcCheckResult(authors, timedOut);
        }

        var (action, reason) = Decide(check);
        if (action is DmarcAction.Reject or DmarcAction.Quarantine && check.Result == DmarcResult.Fail && TrustedSealer(arc) is { } sealer)
        {
            return new DmarcVerdict(check, DmarcAction.None, null, sealer);
        }

        return new DmarcVerdict(check, action, reason is null ? null : ReplyText.Printable(reason));
    }

    private (DmarcAction Action, string? Reason) Decide(DmarcCheckResult check)
    {
        if (_settings.DmarcMode != DmarcMode.Enforce)
        {
            return (DmarcAction.None, null);
        }

        var problem = check.Authors.Problem;
        if (_settings.RejectMultiValueFrom && problem is AuthorDomainProblem.MultipleFromHeaders or AuthorDomainProblem.MultipleAddresses or AuthorDomainProblem.GroupSyntax)
        {
            return (DmarcAction.RefuseFrom, $"message has several From authors ({check.Authors.Detail ?? problem.ToString()})");
        }

        if (_settings.RejectMalformedFrom && problem is AuthorDomainProblem.NoFromHeader or AuthorDomainProblem.Unparsable or AuthorDomainProblem.NoDomain or AuthorDomainProblem.InvalidDomain)
        {
            return (DmarcAction.RefuseFrom, $"message has no usable From address ({check.Authors.Detail ?? problem.ToString()})");
        }

        // Domains in IgnoreDomains are evaluated and reported, but their policy is not applied.
        var enforced = check.Evaluations.Where(e => !_settings.IgnoreDomains.Contains(e.AuthorDomain)).ToArray();
        var strictest = enforced.MaxBy(Disposition);
        switch (strictest is null ? (DmarcPolicy?)null : Disposition(strictest))
        {
            case DmarcPolicy.Reject when _settings.DmarcRejectAction == DmarcPolicy.Quarantine:
                return (DmarcAction.Quarantine, $"DMARC policy reject for {strictest!.AuthorDomain}");
            case DmarcPolicy.Reject:
                return (DmarcAction.Reject, _settings.DmarcRejectText.Replace("{domain}", strictest!.AuthorDomain, StringComparison.Ordinal));
            case DmarcPolicy.Quarantine:
                return (DmarcAction.Quarantine, $"DMARC policy quarantine for {strictest!.AuthorDomain}");
        }

        if (_settings.DmarcTempfailOnError && enforced.FirstOrDefault(e => e.Result == DmarcResult.TempError) is { } failed)
        {
            return (DmarcAction.Tempfail, $"DMARC check for {failed.AuthorDomain} failed temporarily");
        }

        return (DmarcAction.None, null);
    }

    // The local overrides file wins for a failing domain; pct=0 is testing mode unless DmarcHonorPct says no.
    private DmarcPolicy Disposition(DmarcEvaluation evaluation)
    {
        if (evaluation.Result == DmarcResult.Fail && _settings.DmarcOverrides.TryGetValue(evaluation.AuthorDomain, out var local))
        {
            return local;
        }

        return !_settings.DmarcHonorPct && evaluation.TestingModeApplied && evaluation.Record is { Testing: false, Percentage: 0 } && evaluation.RequestedPolicy is { } requested
            ? requested
            : evaluation.Disposition;
    }

    // RFC 8617 section 7.2.1: a receiver may trust what a sealer it knows recorded before the message was changed.
    private string? TrustedSealer(ArcResult? arc) =>
        arc is { Result: ArcChainResult.Pass }
            ? arc.Instances.FirstOrDefault(i => i.SealDomain is { } domain && _settings.ArcTrustedSealers.Contains(domain)
                && i.Results.Any(r => r.Method == "dmarc" && r.Result == "pass"))?.SealDomain
            : null;

    /// <summary>The DMARC view of a DKIM result.</summary>
    public static DmarcDkimOutcome Outcome(DkimResult result) => result switch
    {
        DkimResult.Pass => DmarcDkimOutcome.Pass,
        DkimResult.Fail => DmarcDkimOutcome.Fail,
        DkimResult.Policy => DmarcDkimOutcome.Policy,
        DkimResult.TempError => DmarcDkimOutcome.TempError,
        _ => DmarcDkimOutcome.PermError,
    };
}
