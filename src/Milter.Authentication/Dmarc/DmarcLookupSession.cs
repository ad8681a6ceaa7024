using Milter.Dns;

namespace Milter.Authentication.Dmarc;

/// <summary>
/// The DNS side of one evaluation: DMARC record lookups (each name asked once, so the tree walks of the Author Domain
/// and of the identifiers share their common parents), tree walks, and the existence test for <c>np</c>.
/// </summary>
internal sealed class DmarcLookupSession(IDnsResolver dns, int maxTreeWalkLookups, CancellationToken cancellationToken)
{
    private readonly Dictionary<string, DmarcRecordLookup> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TreeWalk> _walks = new(StringComparer.Ordinal);

    /// <summary>DNS queries sent so far.</summary>
    public int Queries { get; private set; }

    /// <summary>
    /// The DMARC record at <c>_dmarc.</c><paramref name="domain"/>. RFC 9989 section 4.10 step 2: TXT records that do
    /// not start with <c>v=DMARC1</c> are discarded; if several remain, all are.
    /// </summary>
    public async ValueTask<DmarcRecordLookup> QueryRecordAsync(string domain)
    {
        if (_records.TryGetValue(domain, out var known))
        {
            return known;
        }

        var name = "_dmarc." + domain;
        Queries++;
        var response = await dns.QueryTxtAsync(name, cancellationToken).ConfigureAwait(false);
        DmarcRecordLookup lookup;
        switch (response.Status)
        {
            case DnsStatus.TemporaryError:
                lookup = new(domain, DmarcRecordLookupStatus.TemporaryError, null, $"{name} TXT: {response.Error ?? "temporary DNS error"}");
                break;
            case DnsStatus.PermanentError:
                lookup = new(domain, DmarcRecordLookupStatus.PermanentError, null, $"{name} TXT: {response.Error ?? "permanent DNS error"}");
                break;
            default:
                var records = response.Records.Select(DmarcRecordParser.Parse).OfType<DmarcRecord>().ToArray();
                lookup = records.Length switch
                {
                    0 => new(domain, DmarcRecordLookupStatus.None, null, null),
                    1 => new(domain, DmarcRecordLookupStatus.Found, records[0], null),
                    _ => new(domain, DmarcRecordLookupStatus.Multiple, null, $"{records.Length} DMARC records at {name}"),
                };
                break;
        }

        _records.Add(domain, lookup);
        return lookup;
    }

    /// <summary>
    /// The DNS tree walk of RFC 9989 section 4.10 from <paramref name="start"/>: its own name first, then (step 4) the
    /// name shortened to one label fewer than the lookup limit, or its parent if shorter, then one label less at a
    /// time. Stops after a record with <c>psd=y</c> or <c>psd=n</c>, after the last label, or at the first DNS error.
    /// </summary>
    public async ValueTask<TreeWalk> WalkAsync(string start)
    {
        if (_walks.TryGetValue(start, out var known))
        {
            return known;
        }

        var found = new List<DmarcRecordLookup>();
        DmarcRecordLookup? failure = null;
        var labels = DmarcDomainName.CountLabels(start);
        var target = start;
        var next = Math.Min(labels - 1, maxTreeWalkLookups - 1);
        while (true)
        {
            var lookup = await QueryRecordAsync(target).ConfigureAwait(false);
            if (lookup.IsError)
            {
                failure = lookup;
                break;
            }

            if (lookup.Record is { } record)
            {
                found.Add(lookup);
                if (record.Psd != DmarcPsd.Unspecified)
                {
                    break;
                }
            }

            if (next < 1)
            {
                break;
            }

            target = DmarcDomainName.RightLabels(start, next);
            next--;
        }

        var walk = new TreeWalk(start, found, failure);
        _walks.Add(start, walk);
        return walk;
    }

    /// <summary>
    /// Whether <paramref name="domain"/> exists, for <c>np</c>. RFC 9989 section 3.2.13 and appendix A.4: a name
    /// exists unless the DNS answers NXDOMAIN (RFC 8020). A, AAAA and MX are asked in turn, so that one server
    /// wrongly answering NXDOMAIN for one type cannot make an existing domain non-existent; the first answer that
    /// is not NXDOMAIN ends the test. Null after a DNS error.
    /// </summary>
    public async ValueTask<(bool? Exists, string? Error)> ExistsAsync(string domain)
    {
        var answers = new Func<ValueTask<DnsStatus>>[]
        {
            async () => (await dns.QueryAAsync(domain, cancellationToken).ConfigureAwait(false)).Status,
            async () => (await dns.QueryAaaaAsync(domain, cancellationToken).ConfigureAwait(false)).Status,
            async () => (await dns.QueryMxAsync(domain, cancellationToken).ConfigureAwait(false)).Status,
        };
        string[] types = ["A", "AAAA", "MX"];
        for (var i = 0; i < answers.Length; i++)
        {
            Queries++;
            var status = await answers[i]().ConfigureAwait(false);
            if (status is DnsStatus.TemporaryError or DnsStatus.PermanentError)
            {
                return (null, $"{domain} {types[i]}: {status}");
            }

            if (status != DnsStatus.NameError)
            {
                return (true, null);
            }
        }

        return (false, null);
    }
}
