using System.Net;
using Milter.Dns;

namespace Milter.Authentication.Tests.Spf;

/// <summary>A resolver that never answers until the query is cancelled, like a dead name server.</summary>
public sealed class HangingDnsResolver : IDnsResolver
{
    public ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken) => Hang<string>(cancellationToken);

    public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) => Hang<IPAddress>(cancellationToken);

    public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) => Hang<IPAddress>(cancellationToken);

    public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) => Hang<MxRecord>(cancellationToken);

    public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) => Hang<string>(cancellationToken);

    private static async ValueTask<DnsResponse<T>> Hang<T>(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable: the delay only ends by cancellation");
    }
}
