using System.Net;
using Milter.Authentication.Iprev;
using Milter.Dns;

namespace Milter.Authentication.Tests.Iprev;

public class IprevCheckerTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Client6 = IPAddress.Parse("2001:db8::25");

    [Test]
    public async Task CheckAsync_NameResolvesBack_Passes()
    {
        var dns = new InMemoryDnsResolver().AddPtr(Client, "mail.example.com").AddAddress("mail.example.com", Client);

        var result = await new IprevChecker(dns).CheckAsync(Client, CancellationToken.None);

        Assert.That(result, Is.EqualTo(new IprevEvaluation(IprevResult.Pass, Client, "mail.example.com", null)));
    }

    [Test]
    public async Task CheckAsync_SecondNameResolvesBack_Passes()
    {
        var dns = new InMemoryDnsResolver()
            .AddPtr(Client, "other.example.com").AddAddress("other.example.com", IPAddress.Parse("192.0.2.99"))
            .AddPtr(Client, "mail.example.com").AddAddress("mail.example.com", Client);

        var result = await new IprevChecker(dns).CheckAsync(Client, CancellationToken.None);

        Assert.That((result.Result, result.Name), Is.EqualTo((IprevResult.Pass, "mail.example.com")));
    }

    [Test]
    public async Task CheckAsync_Ipv6AndMappedIpv4_UseTheirFamily()
    {
        var dns = new InMemoryDnsResolver()
            .AddPtr(Client6, "v6.example.com").AddAddress("v6.example.com", Client6)
            .AddPtr(Client, "mail.example.com").AddAddress("mail.example.com", Client);

        Assert.That((await new IprevChecker(dns).CheckAsync(Client6, CancellationToken.None)).Result, Is.EqualTo(IprevResult.Pass));
        var mapped = await new IprevChecker(dns).CheckAsync(Client.MapToIPv6(), CancellationToken.None);
        Assert.That((mapped.Result, mapped.Address), Is.EqualTo((IprevResult.Pass, Client)));
    }

    [Test]
    public async Task CheckAsync_NoPtr_Fails()
    {
        var result = await new IprevChecker(new InMemoryDnsResolver()).CheckAsync(Client, CancellationToken.None);

        Assert.That((result.Result, result.Reason), Is.EqualTo((IprevResult.Fail, "no PTR record")));
    }

    [Test]
    public async Task CheckAsync_NameDoesNotResolveBack_Fails()
    {
        var dns = new InMemoryDnsResolver().AddPtr(Client, "liar.example.com").AddAddress("liar.example.com", IPAddress.Parse("203.0.113.5"));

        var result = await new IprevChecker(dns).CheckAsync(Client, CancellationToken.None);

        Assert.That(result.Result, Is.EqualTo(IprevResult.Fail));
    }

    [Test]
    public async Task CheckAsync_PtrTimesOut_IsTemperror()
    {
        var dns = new InMemoryDnsResolver().AddTemporaryError(InMemoryDnsResolver.ReverseName(Client));

        var result = await new IprevChecker(dns).CheckAsync(Client, CancellationToken.None);

        Assert.That(result.Result, Is.EqualTo(IprevResult.TempError));
    }

    [Test]
    public async Task CheckAsync_ForwardLookupTimesOut_IsTemperrorNotFail()
    {
        var dns = new InMemoryDnsResolver().AddPtr(Client, "slow.example.com").AddTemporaryError("slow.example.com");

        var result = await new IprevChecker(dns).CheckAsync(Client, CancellationToken.None);

        Assert.That(result.Result, Is.EqualTo(IprevResult.TempError));
    }

    [Test]
    public async Task CheckAsync_MoreThanMaxNames_FollowsOnlyTheFirstTen()
    {
        var dns = new InMemoryDnsResolver();
        for (var i = 0; i < IprevChecker.MaxNames + 1; i++)
        {
            dns.AddPtr(Client, $"n{i}.example.com");
        }

        dns.AddAddress($"n{IprevChecker.MaxNames}.example.com", Client);

        var result = await new IprevChecker(dns).CheckAsync(Client, CancellationToken.None);

        Assert.That(result.Result, Is.EqualTo(IprevResult.Fail));
        Assert.That(dns.QueryCount, Is.EqualTo(1 + IprevChecker.MaxNames));
    }

    [Test]
    public async Task CheckAsync_Cancelled_IsTemperror()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var dns = new CancellingResolver();

        var result = await new IprevChecker(dns).CheckAsync(Client, cancelled.Token);

        Assert.That((result.Result, result.Reason), Is.EqualTo((IprevResult.TempError, "time limit reached")));
    }

    private sealed class CancellingResolver : IDnsResolver
    {
        public ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken) => throw new OperationCanceledException(cancellationToken);

        public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) => throw new OperationCanceledException(cancellationToken);

        public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) => throw new OperationCanceledException(cancellationToken);

        public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) => throw new OperationCanceledException(cancellationToken);

        public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) => throw new OperationCanceledException(cancellationToken);
    }
}
