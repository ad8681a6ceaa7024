using System.Net;

namespace Milter.Dns;

/// <summary>
/// The one DNS seam of authmilter: SPF, DKIM, DMARC, ARC, iprev and reporting all resolve through it.
/// Failures are data (<see cref="DnsStatus"/>), never exceptions, and an error is never folded into "no record".
/// </summary>
public interface IDnsResolver
{
    /// <summary>TXT records of <paramref name="name"/>; each record's character-strings are concatenated into one string.</summary>
    ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken);

    /// <summary>A records (IPv4) of <paramref name="name"/>.</summary>
    ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken);

    /// <summary>AAAA records (IPv6) of <paramref name="name"/>.</summary>
    ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken);

    /// <summary>MX records of <paramref name="name"/>, in the order received.</summary>
    ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken);

    /// <summary>PTR names of <paramref name="address"/> (in-addr.arpa / ip6.arpa), without the trailing dot.</summary>
    ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken);
}
