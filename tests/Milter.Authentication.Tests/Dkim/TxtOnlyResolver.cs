using System.Net;
using Milter.Dns;

namespace Milter.Authentication.Tests.Dkim;

/// <summary>A resolver whose TXT answers come from a function (to add TTLs, or to cancel); DKIM queries nothing else.</summary>
public sealed class TxtOnlyResolver(Func<string, CancellationToken, ValueTask<DnsResponse<string>>> answer) : IDnsResolver
{
    /// <summary>The answers of <paramref name="zone"/>, each with <paramref name="timeToLive"/>.</summary>
    public static TxtOnlyResolver WithTtl(InMemoryDnsResolver zone, TimeSpan? timeToLive) =>
        new(async (name, token) => await zone.QueryTxtAsync(name, token) with { TimeToLive = timeToLive });

    public ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken) => answer(name, cancellationToken);

    public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) => throw Unexpected();

    public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) => throw Unexpected();

    public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) => throw Unexpected();

    public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) => throw Unexpected();

    private static NotSupportedException Unexpected() => new("DKIM verification queries TXT records only.");
}
