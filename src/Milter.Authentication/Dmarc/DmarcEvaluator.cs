using Milter.Authentication.Spf;
using Milter.Dns;

namespace Milter.Authentication.Dmarc;

/// <summary>
/// Evaluates DMARC (RFC 9989; RFC 7489 with <see cref="DmarcDiscoveryMode.PublicSuffixList"/>) from the Author
/// Domains and the SPF and DKIM results the daemon already has. Thread-safe: one instance serves all messages.
/// </summary>
/// <remarks>
/// <para>
/// Temporary errors: when no identifier is aligned with a pass and a lookup that matters hit a temporary error, the
/// result is temperror and no policy is applied (RFC 9989 section 5.3.6). Lookups that matter: the policy record
/// discovery, the Organizational Domains compared for relaxed alignment, the existence test for <c>np</c>, and an SPF
/// or DKIM temperror for an identifier that would be aligned (a retry could make it an aligned pass).
/// </para>
/// <para>
/// Permanent DNS errors (a name that cannot be sent) give permerror; no policy is applied either.
/// </para>
/// </remarks>
public sealed class DmarcEvaluator
{
    private readonly IDnsResolver _dns;
    private readonly DmarcDiscoveryMode _discovery;
    private readonly int _maxTreeWalkLookups;
    private readonly PublicSuffixList? _publicSuffixList;

    /// <summary>
    /// Creates an evaluator with a copy of <paramref name="options"/>. In <see cref="DmarcDiscoveryMode.PublicSuffixList"/>
    /// mode the list is read now, from <see cref="DmarcOptions.PublicSuffixListPath"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="dns"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="IOException">PSL mode: the list cannot be read (<see cref="FileNotFoundException"/> when it does not exist).</exception>
    /// <exception cref="UnauthorizedAccessException">PSL mode: the list may not be read.</exception>
    /// <exception cref="InvalidDataException">PSL mode: the file holds no rule.</exception>
    public DmarcEvaluator(IDnsResolver dns, DmarcOptions options)
    {
        ArgumentNullException.ThrowIfNull(dns);
        ArgumentNullException.ThrowIfNull(options);
        _dns = dns;
        _discovery = options.Discovery;
        _maxTreeWalkLookups = options.MaxTreeWalkLookups;
        if (_discovery == DmarcDiscoveryMode.PublicSuffixList)
        {
            _publicSuffixList = PublicSuffixList.Load(options.PublicSuffixListPath);
        }
    }

    /// <summary>
    /// Evaluates every Author Domain of <paramref name="authors"/> (even when the From fields have a problem, so that
    /// a second From domain cannot bypass the first one's policy); see <see cref="DmarcCheckResult.Disposition"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<DmarcCheckResult> CheckAsync(
        AuthorDomainExtraction authors, DmarcSpfInput spf, IReadOnlyList<DmarcDkimInput> dkim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authors);
        ArgumentNullException.ThrowIfNull(spf);
        ArgumentNullException.ThrowIfNull(dkim);
        var evaluations = new List<DmarcEvaluation>(authors.Domains.Count);
        foreach (var domain in authors.Domains)
        {
            evaluations.Add(await EvaluateAsync(domain, spf, dkim, cancellationToken).ConfigureAwait(false));
        }

        return new DmarcCheckResult(authors, evaluations);
    }

    /// <summary>Evaluates one Author Domain (a U-label is converted to an A-label first).</summary>
    /// <param name="authorDomain">The RFC5322.From domain.</param>
    /// <param name="spf">The SPF result and the domain it was checked for.</param>
    /// <param name="dkim">Every DKIM signature checked, whatever its outcome.</param>
    /// <param name="cancellationToken">Cancels the DNS lookups.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<DmarcEvaluation> EvaluateAsync(
        string authorDomain, DmarcSpfInput spf, IReadOnlyList<DmarcDkimInput> dkim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorDomain);
        ArgumentNullException.ThrowIfNull(spf);
        ArgumentNullException.ThrowIfNull(dkim);
        if (DmarcDomainName.Normalize(authorDomain) is not { } author)
        {
            return new DmarcEvaluation(DmarcResult.PermError, authorDomain, $"\"{authorDomain}\" is not a domain name");
        }

        var session = new DmarcLookupSession(_dns, _maxTreeWalkLookups, cancellationToken);
        var evaluation = await EvaluateAsync(author, spf, dkim, session).ConfigureAwait(false);
        return evaluation with { DnsLookups = session.Queries };
    }

    private async ValueTask<DmarcEvaluation> EvaluateAsync(
        string author, DmarcSpfInput spf, IReadOnlyList<DmarcDkimInput> dkim, DmarcLookupSession session)
    {
        var (policy, discoveryProblem) = await DiscoverPolicyAsync(author, session).ConfigureAwait(false);
        if (policy is null)
        {
            return new DmarcEvaluation(discoveryProblem.Status switch
            {
                DmarcRecordLookupStatus.TemporaryError => DmarcResult.TempError,
                DmarcRecordLookupStatus.PermanentError => DmarcResult.PermError,
                _ => DmarcResult.None,
            }, author, discoveryProblem.Error);
        }

        var (policyDomain, record) = (policy.Value.Domain, policy.Value.Record!);
        if (!record.IsUsable)
        {
            // RFC 9989 section 4.10.1: no valid p (or an invalid sp/np) and no valid rua: no DMARC processing.
            return new DmarcEvaluation(DmarcResult.None, author, $"record at _dmarc.{policyDomain} is not applied: {record.PolicyProblem} and no valid rua")
            {
                PolicyDomain = policyDomain,
                Record = record,
            };
        }

        var alignment = new Alignment(this, author, session);
        var spfAligned = spf.Result == SpfResult.Pass
            && await alignment.CheckAsync(spf.Domain, record.SpfAlignment).ConfigureAwait(false) == Aligned.Yes;
        DmarcDkimInput? dkimAligned = null;
        foreach (var signature in dkim)
        {
            if (signature.Outcome == DmarcDkimOutcome.Pass
                && await alignment.CheckAsync(signature.Domain, record.DkimAlignment).ConfigureAwait(false) == Aligned.Yes)
            {
                dkimAligned = signature;
                break;
            }
        }

        var (source, requested) = (policyDomain == author ? DmarcPolicySource.Domain : DmarcPolicySource.Subdomain, record.Policy);
        var evaluation = new DmarcEvaluation(DmarcResult.Pass, author, null)
        {
            PolicyDomain = policyDomain,
            Record = record,
            OrganizationalDomain = alignment.AuthorOrganizationalDomain,
            SpfAligned = spfAligned,
            DkimAligned = dkimAligned,
        };
        if (spfAligned || dkimAligned is not null)
        {
            return evaluation with { PolicySource = source, RequestedPolicy = SubdomainPolicy(record, source) };
        }

        // No aligned pass: an identifier whose check failed temporarily, but which would be aligned, might pass on a
        // retry; so might an alignment that could not be decided.
        var retryable = spf.Result == SpfResult.TempError
            && await alignment.CheckAsync(spf.Domain, record.SpfAlignment).ConfigureAwait(false) != Aligned.No;
        foreach (var signature in dkim)
        {
            if (!retryable && signature.Outcome == DmarcDkimOutcome.TempError)
            {
                retryable = await alignment.CheckAsync(signature.Domain, record.DkimAlignment).ConfigureAwait(false) != Aligned.No;
            }
        }

        if (retryable || alignment.Failure is not null)
        {
            return evaluation with
            {
                Result = DmarcResult.TempError,
                Problem = alignment.Failure ?? "an identifier that would be aligned had a temporary error",
                OrganizationalDomain = alignment.AuthorOrganizationalDomain,
            };
        }

        bool? exists = null;
        if (source == DmarcPolicySource.Subdomain && record.NonExistentSubdomainPolicy is not null)
        {
            (exists, var error) = await session.ExistsAsync(author).ConfigureAwait(false);
            if (exists is null)
            {
                return evaluation with { Result = DmarcResult.TempError, Problem = error, OrganizationalDomain = alignment.AuthorOrganizationalDomain };
            }

            if (exists == false)
            {
                source = DmarcPolicySource.NonExistentSubdomain;
            }
        }

        requested = SubdomainPolicy(record, source);
        var disposition = record.IsTestingMode && requested > DmarcPolicy.None ? requested - 1 : requested;
        return evaluation with
        {
            Result = DmarcResult.Fail,
            OrganizationalDomain = alignment.AuthorOrganizationalDomain,
            PolicySource = source,
            RequestedPolicy = requested,
            Disposition = disposition,
            TestingModeApplied = disposition != requested,
            AuthorDomainExists = exists,
        };
    }

    // RFC 9989 section 4.7: np falls back to sp, sp to p.
    private static DmarcPolicy SubdomainPolicy(DmarcRecord record, DmarcPolicySource source) => source switch
    {
        DmarcPolicySource.Domain => record.Policy,
        DmarcPolicySource.Subdomain => record.SubdomainPolicy ?? record.Policy,
        _ => record.NonExistentSubdomainPolicy ?? record.SubdomainPolicy ?? record.Policy,
    };

    /// <summary>
    /// The record that applies to <paramref name="author"/>, or null and the lookup that explains why none does
    /// (its status is None when there is simply no record).
    /// </summary>
    private async ValueTask<(DmarcRecordLookup? Policy, DmarcRecordLookup Problem)> DiscoverPolicyAsync(string author, DmarcLookupSession session)
    {
        var own = await session.QueryRecordAsync(author).ConfigureAwait(false);
        if (own.Status == DmarcRecordLookupStatus.Found || own.IsError)
        {
            return own.IsError ? (null, own) : (own, own);
        }

        if (_publicSuffixList is { } list)
        {
            // RFC 7489 section 6.6.3: the Author Domain, then its Organizational Domain; several records at the
            // Author Domain end the discovery there (unlike the RFC 9989 tree walk, which goes on).
            var organizational = list.GetOrganizationalDomain(author);
            if (organizational == author || own.Status == DmarcRecordLookupStatus.Multiple)
            {
                return (null, own);
            }

            var parent = await session.QueryRecordAsync(organizational).ConfigureAwait(false);
            return parent.Status == DmarcRecordLookupStatus.Found ? (parent, parent) : (null, parent.IsError ? parent : own);
        }

        // RFC 9989 section 4.10.1: the record of the Organizational Domain, else that of the Public Suffix Domain.
        var walk = await session.WalkAsync(author).ConfigureAwait(false);
        if (walk.Failure is { } failure)
        {
            return (null, failure);
        }

        var organizationalDomain = walk.OrganizationalDomain;
        foreach (var found in walk.Found)
        {
            if (found.Domain == organizationalDomain)
            {
                return (found, found);
            }
        }

        return walk.Found is [.., var last] && last.Record!.Psd == DmarcPsd.Yes ? (last, last) : (null, own);
    }

    private enum Aligned
    {
        No,
        Yes,
        Unknown,
    }

    /// <summary>Alignment checks against one Author Domain, remembering Organizational Domains and the first DNS failure.</summary>
    private sealed class Alignment(DmarcEvaluator evaluator, string author, DmarcLookupSession session)
    {
        public string? AuthorOrganizationalDomain { get; private set; }

        public string? Failure { get; private set; }

        public async ValueTask<Aligned> CheckAsync(string? identifier, DmarcAlignmentMode mode)
        {
            if (identifier is null || DmarcDomainName.Normalize(identifier) is not { } domain)
            {
                return Aligned.No;
            }

            // RFC 9989 section 4.10.2: identical domains need no tree walk; strict mode is a string comparison.
            if (domain == author)
            {
                return Aligned.Yes;
            }

            // Names without a common label cannot share an Organizational Domain: no walk, no DNS failure to wait on.
            if (mode == DmarcAlignmentMode.Strict
                || DmarcDomainName.RightLabels(domain, 1) != DmarcDomainName.RightLabels(author, 1))
            {
                return Aligned.No;
            }

            AuthorOrganizationalDomain ??= await OrganizationalDomainAsync(author).ConfigureAwait(false);
            var other = await OrganizationalDomainAsync(domain).ConfigureAwait(false);
            return AuthorOrganizationalDomain is null || other is null ? Aligned.Unknown
                : AuthorOrganizationalDomain == other ? Aligned.Yes
                : Aligned.No;
        }

        private async ValueTask<string?> OrganizationalDomainAsync(string domain)
        {
            if (evaluator._publicSuffixList is { } list)
            {
                return list.GetOrganizationalDomain(domain);
            }

            var walk = await session.WalkAsync(domain).ConfigureAwait(false);
            if (walk.Failure is { } failure)
            {
                Failure ??= failure.Error;
                return null;
            }

            return walk.OrganizationalDomain;
        }
    }
}
