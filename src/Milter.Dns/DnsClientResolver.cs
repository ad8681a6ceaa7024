using System.Net;
using DnsClient;
using DnsClient.Protocol;
using WireMxRecord = DnsClient.Protocol.MxRecord;

namespace Milter.Dns;

/// <summary>
/// The production resolver: asks the configured recursive resolvers through DnsClient's <see cref="LookupClient"/>.
/// It does not cache (wrap it in a <see cref="CachingDnsResolver"/>); every answer carries its TTL for that cache.
/// </summary>
/// <remarks>
/// Outcomes: NOERROR with records of the type is Success; NOERROR without them is NoData; NXDOMAIN is NameError;
/// any other response code (SERVFAIL, REFUSED, FORMERR, NOTIMP…), a timeout or a network failure is TemporaryError;
/// a name that cannot be sent (<see cref="DnsName.FindSyntaxError"/>) is PermanentError, without a query.
/// A truncated UDP answer is asked again over TCP.
/// </remarks>
public sealed class DnsClientResolver : IDnsResolver
{
    private readonly LookupClient _client;

    /// <summary>Creates a resolver from <paramref name="options"/> (its nameservers, timeout and retries); later changes to the options are not seen.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent (see <see cref="DnsOptions.Validate"/>).</exception>
    public DnsClientResolver(DnsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var lookup = options.Nameservers.Count == 0
            ? new LookupClientOptions()
            : new LookupClientOptions(options.Nameservers.ToArray());
        lookup.Timeout = options.Timeout;
        lookup.Retries = options.Retries;
        lookup.UseTcpFallback = true;
        // CachingDnsResolver caches, bounded by count; DnsClient's own cache is not.
        lookup.UseCache = false;
        // Response codes are data here: an exception would only be turned back into a status.
        lookup.ThrowDnsErrors = false;
        // A SERVFAIL or REFUSED from one resolver is worth asking the next. DnsClient cannot tell NXDOMAIN apart in
        // this switch, so a non-existent name is also asked of each server: the answer is the same, at some cost.
        lookup.ContinueOnDnsError = true;
        // NODATA is an answer, not a failure of the server.
        lookup.ContinueOnEmptyResponse = false;
        // The list is in order of preference, as in resolv.conf.
        lookup.UseRandomNameServer = false;
        _client = new LookupClient(lookup);
    }

    /// <inheritdoc />
    public ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(name, QueryType.TXT, static r => r is TxtRecord txt ? string.Concat(txt.Text) : null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(name, QueryType.A, static r => (r as ARecord)?.Address, cancellationToken);

    /// <inheritdoc />
    public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(name, QueryType.AAAA, static r => (r as AaaaRecord)?.Address, cancellationToken);

    /// <inheritdoc />
    public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(
            name,
            QueryType.MX,
            static r => r is WireMxRecord mx ? new MxRecord(mx.Preference, WithoutTrailingDot(mx.Exchange)) : null,
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) =>
        QueryAsync(
            DnsName.ReverseName(address),
            QueryType.PTR,
            static r => r is PtrRecord ptr ? WithoutTrailingDot(ptr.PtrDomainName) : null,
            cancellationToken);

    /// <summary>Maps a response code and whether records of the type came to a status (RFC 7208 section 5: only NOERROR and NXDOMAIN are answers).</summary>
    internal static DnsStatus Classify(DnsHeaderResponseCode code, bool hasRecords) => code switch
    {
        DnsHeaderResponseCode.NoError => hasRecords ? DnsStatus.Success : DnsStatus.NoData,
        DnsHeaderResponseCode.NotExistentDomain => DnsStatus.NameError,
        _ => DnsStatus.TemporaryError,
    };

    private async ValueTask<DnsResponse<T>> QueryAsync<T>(
        string name, QueryType type, Func<DnsResourceRecord, T?> select, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(name);
        if (DnsName.FindSyntaxError(name) is { } syntaxError)
        {
            return DnsResponse<T>.Failure(DnsStatus.PermanentError, $"{name} {type}: {syntaxError}");
        }

        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException e)
        {
            // DnsClient turns every failure into this exception: timeouts, unreachable servers, answers it cannot
            // parse, and also our caller's cancellation, which is not a DNS outcome.
            cancellationToken.ThrowIfCancellationRequested();
            return DnsResponse<T>.Failure(DnsStatus.TemporaryError, $"{name} {type}: {e.Code}: {e.Message}");
        }

        var records = new List<T>();
        foreach (var record in response.Answers)
        {
            if (select(record) is { } value)
            {
                records.Add(value);
            }
        }

        var status = Classify(response.Header.ResponseCode, records.Count > 0);
        var ttl = status switch
        {
            DnsStatus.Success => LowestTtl(response.Answers),
            DnsStatus.NoData or DnsStatus.NameError => NegativeTtl(response),
            _ => null,
        };
        return status == DnsStatus.Success
            ? new DnsResponse<T>(status, records) { TimeToLive = ttl }
            : new DnsResponse<T>(status, [], $"{name} {type}: {response.Header.ResponseCode}") { TimeToLive = ttl };
    }

    // RFC 2308 section 5: a negative answer lives for the lower of the SOA record's TTL and its MINIMUM field; without
    // an SOA in the authority section it "SHOULD NOT be cached". A CNAME chain before it expires with its own TTLs.
    private static TimeSpan? NegativeTtl(IDnsQueryResponse response)
    {
        var soa = response.Authorities.SoaRecords().FirstOrDefault();
        if (soa is null)
        {
            return null;
        }

        var seconds = Math.Min((long)soa.InitialTimeToLive, soa.Minimum);
        var chain = LowestTtl(response.Answers);
        var negative = TimeSpan.FromSeconds(seconds);
        return chain is { } c && c < negative ? c : negative;
    }

    // The answer is only as fresh as its shortest-lived record, CNAMEs included.
    private static TimeSpan? LowestTtl(IReadOnlyList<DnsResourceRecord> records) =>
        records.Count == 0 ? null : TimeSpan.FromSeconds(records.Min(r => (long)r.InitialTimeToLive));

    private static string WithoutTrailingDot(DnsString name) => name.Value.TrimEnd('.');
}
