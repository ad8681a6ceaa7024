using System.Collections.Concurrent;
using System.Net;

namespace Milter.Dns;

/// <summary>
/// A resolver answered from an in-memory zone: for unit tests, the RFC test suites and offline tools.
/// A name with no records of any type is NXDOMAIN; a name with records of other types only is NODATA.
/// </summary>
public sealed class InMemoryDnsResolver : IDnsResolver
{
    private readonly ConcurrentDictionary<string, Node> _nodes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Number of queries answered, for tests that count lookups.</summary>
    public int QueryCount => _queryCount;

    private int _queryCount;

    /// <summary>Adds a TXT record (the concatenated character-strings).</summary>
    public InMemoryDnsResolver AddTxt(string name, string text) => Add(name, n => n.Txt.Add(text));

    /// <summary>Adds an A or AAAA record, by the address family.</summary>
    public InMemoryDnsResolver AddAddress(string name, IPAddress address) =>
        Add(name, n => (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? n.Aaaa : n.A).Add(address));

    /// <summary>Adds an MX record.</summary>
    public InMemoryDnsResolver AddMx(string name, int preference, string exchange) =>
        Add(name, n => n.Mx.Add(new MxRecord(preference, Normalize(exchange))));

    /// <summary>Adds a PTR record for <paramref name="address"/>.</summary>
    public InMemoryDnsResolver AddPtr(IPAddress address, string target) =>
        Add(ReverseName(address), n => n.Ptr.Add(Normalize(target)));

    /// <summary>Makes the name exist without records of the usual types (e.g. a CNAME-only or SOA-only node): NODATA.</summary>
    public InMemoryDnsResolver AddEmpty(string name) => Add(name, _ => { });

    /// <summary>Every query for <paramref name="name"/> answers with a temporary error (a timeout or SERVFAIL).</summary>
    public InMemoryDnsResolver AddTemporaryError(string name) => Add(name, n => n.TemporaryError = true);

    /// <inheritdoc />
    public ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken) =>
        Answer(name, n => n.Txt);

    /// <inheritdoc />
    public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) =>
        Answer(name, n => n.A);

    /// <inheritdoc />
    public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) =>
        Answer(name, n => n.Aaaa);

    /// <inheritdoc />
    public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) =>
        Answer(name, n => n.Mx);

    /// <inheritdoc />
    public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) =>
        Answer(ReverseName(address), n => n.Ptr);

    /// <summary>The reverse-lookup name of an address; the same as <see cref="DnsName.ReverseName"/>.</summary>
    public static string ReverseName(IPAddress address) => DnsName.ReverseName(address);

    private InMemoryDnsResolver Add(string name, Action<Node> update)
    {
        update(_nodes.GetOrAdd(Normalize(name), _ => new Node()));
        return this;
    }

    private ValueTask<DnsResponse<T>> Answer<T>(string name, Func<Node, List<T>> select)
    {
        Interlocked.Increment(ref _queryCount);
        if (!_nodes.TryGetValue(Normalize(name), out var node))
        {
            return ValueTask.FromResult(DnsResponse<T>.Failure(DnsStatus.NameError, $"{name}: NXDOMAIN"));
        }

        if (node.TemporaryError)
        {
            return ValueTask.FromResult(DnsResponse<T>.Failure(DnsStatus.TemporaryError, $"{name}: timeout"));
        }

        return ValueTask.FromResult(DnsResponse<T>.FromRecords(select(node).ToArray()));
    }

    private static string Normalize(string name) => name.TrimEnd('.');

    private sealed class Node
    {
        public List<string> Txt { get; } = [];
        public List<IPAddress> A { get; } = [];
        public List<IPAddress> Aaaa { get; } = [];
        public List<MxRecord> Mx { get; } = [];
        public List<string> Ptr { get; } = [];
        public bool TemporaryError { get; set; }
    }
}
