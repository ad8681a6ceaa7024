using System.Globalization;
using System.Net;
using Milter.Dns;

namespace Milter.Authentication.Tests.Spf;

/// <summary>
/// The test suite's DNS conventions (SOURCE.md) on top of <see cref="InMemoryDnsResolver"/>, which cannot express
/// two of them: a CNAME answers queries of every type, and TIMEOUT times out only the types with no record
/// listed before it.
/// </summary>
public sealed class SuiteDnsResolver : IDnsResolver
{
    private const int MaxCnameChain = 8;

    private readonly InMemoryDnsResolver _zone = new();
    private readonly Dictionary<string, string> _cnames = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _timeouts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Makes <paramref name="name"/> exist, so that types it lacks answer NODATA rather than NXDOMAIN.</summary>
    public void AddName(string name) => _zone.AddEmpty(name);

    public void AddTxt(string name, string text) => _zone.AddTxt(name, text);

    public void AddAddress(string name, IPAddress address) => _zone.AddAddress(name, address);

    public void AddMx(string name, int preference, string exchange) => _zone.AddMx(name, preference, exchange);

    /// <summary>Adds a PTR record given by its reverse name (…in-addr.arpa or …ip6.arpa).</summary>
    public void AddPtr(string reverseName, string target) => _zone.AddPtr(ParseReverseName(reverseName), target);

    public void AddCname(string name, string target) => _cnames[name.TrimEnd('.')] = target.TrimEnd('.');

    /// <summary>Queries of <paramref name="name"/> time out for every type not in <paramref name="answeredTypes"/>.</summary>
    public void AddTimeout(string name, IEnumerable<string> answeredTypes) =>
        _timeouts[name.TrimEnd('.')] = new HashSet<string>(answeredTypes, StringComparer.Ordinal);

    public ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken) =>
        Query(name, "TXT", n => _zone.QueryTxtAsync(n, cancellationToken));

    public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) =>
        Query(name, "A", n => _zone.QueryAAsync(n, cancellationToken));

    public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) =>
        Query(name, "AAAA", n => _zone.QueryAaaaAsync(n, cancellationToken));

    public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) =>
        Query(name, "MX", n => _zone.QueryMxAsync(n, cancellationToken));

    // The suite has no CNAME on a reverse name, so only TIMEOUT applies here.
    public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) =>
        TimesOut(InMemoryDnsResolver.ReverseName(address), "PTR")
            ? ValueTask.FromResult(DnsResponse<string>.Failure(DnsStatus.TemporaryError, "timeout"))
            : _zone.QueryPtrAsync(address, cancellationToken);

    private ValueTask<DnsResponse<T>> Query<T>(string name, string type, Func<string, ValueTask<DnsResponse<T>>> query)
    {
        name = name.TrimEnd('.');
        for (var hop = 0; hop <= MaxCnameChain; hop++)
        {
            if (TimesOut(name, type))
            {
                return ValueTask.FromResult(DnsResponse<T>.Failure(DnsStatus.TemporaryError, $"{name}: timeout"));
            }

            if (!_cnames.TryGetValue(name, out var target))
            {
                return query(name);
            }

            name = target;
        }

        // A CNAME loop: resolvers answer SERVFAIL.
        return ValueTask.FromResult(DnsResponse<T>.Failure(DnsStatus.TemporaryError, $"{name}: CNAME loop"));
    }

    private bool TimesOut(string name, string type) => _timeouts.TryGetValue(name, out var answered) && !answered.Contains(type);

    private static IPAddress ParseReverseName(string reverseName)
    {
        var labels = reverseName.TrimEnd('.').Split('.');
        Array.Reverse(labels);
        if (reverseName.EndsWith("in-addr.arpa", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Parse(string.Join('.', labels[2..]));
        }

        var nibbles = labels[2..];
        var bytes = new byte[16];
        for (var k = 0; k < 32; k++)
        {
            var value = int.Parse(nibbles[k], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            bytes[k / 2] |= (byte)(k % 2 == 0 ? value << 4 : value);
        }

        return new IPAddress(bytes);
    }
}
