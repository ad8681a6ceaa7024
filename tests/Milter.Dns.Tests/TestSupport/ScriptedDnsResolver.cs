using System.Net;

namespace Milter.Dns.Tests.TestSupport;

/// <summary>
/// An inner resolver for cache tests: each query type answers through a replaceable function, and every call is
/// counted and its cancellation token kept.
/// </summary>
internal sealed class ScriptedDnsResolver : IDnsResolver
{
    private readonly List<CancellationToken> _tokens = [];

    public Func<string, Task<DnsResponse<string>>> Txt { get; set; } = Unexpected<string>;

    public Func<string, Task<DnsResponse<IPAddress>>> A { get; set; } = Unexpected<IPAddress>;

    public Func<string, Task<DnsResponse<IPAddress>>> Aaaa { get; set; } = Unexpected<IPAddress>;

    public Func<string, Task<DnsResponse<MxRecord>>> Mx { get; set; } = Unexpected<MxRecord>;

    public Func<IPAddress, Task<DnsResponse<string>>> Ptr { get; set; } = _ => throw new AssertionException("unexpected PTR query");

    public int Calls
    {
        get
        {
            lock (_tokens)
            {
                return _tokens.Count;
            }
        }
    }

    public IReadOnlyList<CancellationToken> Tokens
    {
        get
        {
            lock (_tokens)
            {
                return [.. _tokens];
            }
        }
    }

    public ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken) =>
        Call(Txt, name, cancellationToken);

    public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) =>
        Call(A, name, cancellationToken);

    public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) =>
        Call(Aaaa, name, cancellationToken);

    public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) =>
        Call(Mx, name, cancellationToken);

    public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) =>
        Call(Ptr, address, cancellationToken);

    private ValueTask<DnsResponse<T>> Call<TArg, T>(Func<TArg, Task<DnsResponse<T>>> answer, TArg argument, CancellationToken cancellationToken)
    {
        lock (_tokens)
        {
            _tokens.Add(cancellationToken);
        }

        return new ValueTask<DnsResponse<T>>(answer(argument));
    }

    private static Task<DnsResponse<T>> Unexpected<T>(string name) =>
        throw new AssertionException($"unexpected {typeof(T).Name} query for {name}");
}
