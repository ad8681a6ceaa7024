using System.Collections.Concurrent;
using System.Net;
using Milter.Dns;

namespace Milter.Authentication.Tests.Dmarc;

/// <summary>Answers from an in-memory zone, records the names asked, and fails permanently for chosen names.</summary>
internal sealed class RecordingDnsResolver(InMemoryDnsResolver zone) : IDnsResolver
{
    public ConcurrentQueue<string> Queries { get; } = new();

    public HashSet<string> PermanentErrors { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken) =>
        Ask("TXT " + name, name, () => zone.QueryTxtAsync(name, cancellationToken));

    public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) =>
        Ask("A " + name, name, () => zone.QueryAAsync(name, cancellationToken));

    public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) =>
        Ask("AAAA " + name, name, () => zone.QueryAaaaAsync(name, cancellationToken));

    public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) =>
        Ask("MX " + name, name, () => zone.QueryMxAsync(name, cancellationToken));

    public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) =>
        throw new NotSupportedException("DMARC asks no PTR question.");

    private ValueTask<DnsResponse<T>> Ask<T>(string query, string name, Func<ValueTask<DnsResponse<T>>> answer)
    {
        Queries.Enqueue(query);
        return PermanentErrors.Contains(name)
            ? ValueTask.FromResult(DnsResponse<T>.Failure(DnsStatus.PermanentError, $"{name}: label too long"))
            : answer();
    }
}
