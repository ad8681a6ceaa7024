using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using Milter.TestKit.Dns;

namespace Milter.Dns.Tests;

/// <summary>The production resolver against a real knotd serving test zones on loopback.</summary>
public class DnsClientResolverTests
{
    // 12 TXT records of 250 octets: about 3 KB, over knotd's 1,232-byte UDP limit, so the UDP answer is truncated.
    private static readonly string[] BigTxt = Enumerable.Range(0, 12).Select(i => $"{i:D2}" + new string((char)('a' + i), 248)).ToArray();
    private static readonly string LongLabel = new('l', DnsName.MaxLabelLength);

    private KnotDnsServer _server = null!;
    private DnsClientResolver _resolver = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        var example = new DnsTestZone("example.test", $"""
            @       MX    10 mx1
            @       MX    20 mx2.other.test.
            a       300   A     192.0.2.1
            a       300   A     192.0.2.2
            a       300   AAAA  2001:db8::1
            alias   60    CNAME a
            spf           TXT   "v=spf1 " "ip4:192.0.2.0/24 " "-all"
            two           TXT   "first"
            two           TXT   "second"
            ttl     42    TXT   "forty-two"
            xn--bcher-kva TXT   "idn"
            {LongLabel}   TXT   "long label"
            {string.Join("\n", BigTxt.Select(t => $"big TXT \"{t}\""))}
            """) { NegativeTtl = TimeSpan.FromSeconds(120) };
        // The SOA record's own TTL (60 s) is below its MINIMUM field (600 s): RFC 2308 takes the lower.
        var lowSoaTtl = new DnsTestZone("low-soa.test", "www A 192.0.2.80")
        {
            DefaultTtl = TimeSpan.FromSeconds(60),
            NegativeTtl = TimeSpan.FromSeconds(600),
        };
        var reverse4 = new DnsTestZone("2.0.192.in-addr.arpa", "1 PTR a.example.test.");
        var reverse6 = new DnsTestZone("8.b.d.0.1.0.0.2.ip6.arpa", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR a.example.test.");
        _server = await KnotDnsServer.StartAsync([example, lowSoaTtl, reverse4, reverse6]);
        _resolver = Resolver(_server.EndPoint);
    }

    [OneTimeTearDown]
    public void StopServer() => _server?.Dispose();

    [Test]
    public async Task QueryAAsync_TwoRecords_ReturnsBothWithTheirTtl()
    {
        var response = await _resolver.QueryAAsync("a.example.test", CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.Success));
        Assert.That(response.Records, Is.EquivalentTo(new[] { IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2") }));
        Assert.That(response.TimeToLive, Is.EqualTo(TimeSpan.FromSeconds(300)));
        Assert.That(response.Error, Is.Null);
    }

    [Test]
    public async Task QueryAAsync_ThroughCname_RecordsOfTheTargetAndTheLowestTtlOfTheChain()
    {
        var response = await _resolver.QueryAAsync("alias.example.test", CancellationToken.None);

        Assert.That(response.Records, Is.EquivalentTo(new[] { IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2") }));
        Assert.That(response.TimeToLive, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task QueryAaaaAsync_OneRecord_ReturnsIt()
    {
        var response = await _resolver.QueryAaaaAsync("a.example.test", CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.Success));
        Assert.That(response.Records, Is.EqualTo(new[] { IPAddress.Parse("2001:db8::1") }));
    }

    [Test]
    public async Task QueryMxAsync_TwoRecords_ExchangesWithoutTrailingDot()
    {
        var response = await _resolver.QueryMxAsync("example.test", CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.Success));
        Assert.That(response.Records, Is.EquivalentTo(new[] { new MxRecord(10, "mx1.example.test"), new MxRecord(20, "mx2.other.test") }));
        Assert.That(response.TimeToLive, Is.EqualTo(TimeSpan.FromHours(1)));
    }

    [Test]
    public async Task QueryTxtAsync_SeveralCharacterStrings_ConcatenatedIntoOne()
    {
        var response = await _resolver.QueryTxtAsync("spf.example.test", CancellationToken.None);

        Assert.That(response.Records, Is.EqualTo(new[] { "v=spf1 ip4:192.0.2.0/24 -all" }));
    }

    [Test]
    public async Task QueryTxtAsync_TwoRecords_TwoStrings()
    {
        var response = await _resolver.QueryTxtAsync("two.example.test", CancellationToken.None);

        Assert.That(response.Records, Is.EquivalentTo(new[] { "first", "second" }));
    }

    [Test]
    public async Task QueryTxtAsync_RecordTtl_Reported()
    {
        var response = await _resolver.QueryTxtAsync("ttl.example.test", CancellationToken.None);

        Assert.That(response.TimeToLive, Is.EqualTo(TimeSpan.FromSeconds(42)));
    }

    [Test]
    public async Task QueryTxtAsync_AnswerTooBigForUdp_CompleteOverTcp()
    {
        var response = await _resolver.QueryTxtAsync("big.example.test", CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.Success));
        Assert.That(response.Records, Is.EquivalentTo(BigTxt));
    }

    [Test]
    public void QueryTxtAsync_AnswerTooBigForUdp_IsTruncatedOverUdp()
    {
        // The premise of the test above: over UDP alone the answer is cut.
        var udpOnly = new LookupClient(new LookupClientOptions(_server.EndPoint) { UseTcpFallback = false, UseCache = false });

        Assert.That(async () => await udpOnly.QueryAsync("big.example.test", QueryType.TXT),
            Throws.InstanceOf<DnsResponseException>().With.Message.Contains("truncated"));
    }

    [Test]
    public async Task QueryTxtAsync_InternationalizedName_SentAsPunycode()
    {
        var response = await _resolver.QueryTxtAsync("bücher.example.test", CancellationToken.None);

        Assert.That(response.Records, Is.EqualTo(new[] { "idn" }));
    }

    [Test]
    public async Task QueryPtrAsync_IPv4_NameWithoutTrailingDot()
    {
        var response = await _resolver.QueryPtrAsync(IPAddress.Parse("192.0.2.1"), CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.Success));
        Assert.That(response.Records, Is.EqualTo(new[] { "a.example.test" }));
    }

    [Test]
    public async Task QueryPtrAsync_IPv6_NameWithoutTrailingDot()
    {
        var response = await _resolver.QueryPtrAsync(IPAddress.Parse("2001:db8::1"), CancellationToken.None);

        Assert.That(response.Records, Is.EqualTo(new[] { "a.example.test" }));
    }

    [Test]
    public async Task QueryPtrAsync_NoReverseRecord_NameError()
    {
        var response = await _resolver.QueryPtrAsync(IPAddress.Parse("192.0.2.99"), CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.NameError));
    }

    [Test]
    public async Task QueryTxtAsync_NameDoesNotExist_NameErrorWithNegativeTtl()
    {
        var response = await _resolver.QueryTxtAsync("nothing.example.test", CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.NameError));
        Assert.That(response.Records, Is.Empty);
        Assert.That(response.TimeToLive, Is.EqualTo(TimeSpan.FromSeconds(120)));
        Assert.That(response.Error, Does.Contain("nothing.example.test").And.Contain("NotExistentDomain"));
    }

    [Test]
    public async Task QueryAaaaAsync_NameHasOtherTypesOnly_NoDataWithNegativeTtl()
    {
        var response = await _resolver.QueryAaaaAsync("spf.example.test", CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.NoData));
        Assert.That(response.Records, Is.Empty);
        Assert.That(response.TimeToLive, Is.EqualTo(TimeSpan.FromSeconds(120)));
    }

    [Test]
    public async Task QueryTxtAsync_SoaTtlBelowItsMinimum_NegativeTtlIsTheSoaTtl()
    {
        var nxdomain = await _resolver.QueryTxtAsync("nothing.low-soa.test", CancellationToken.None);
        var nodata = await _resolver.QueryTxtAsync("www.low-soa.test", CancellationToken.None);

        Assert.That(nxdomain.TimeToLive, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(nodata.Status, Is.EqualTo(DnsStatus.NoData));
        Assert.That(nodata.TimeToLive, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task QueryTxtAsync_ServerRefuses_TemporaryErrorWithoutTtl()
    {
        // knotd is authoritative only: a name outside its zones is REFUSED.
        var response = await _resolver.QueryTxtAsync("example.org", CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.TemporaryError));
        Assert.That(response.TimeToLive, Is.Null);
        Assert.That(response.Error, Does.Contain("Refused"));
    }

    [Test]
    public async Task QueryTxtAsync_LabelAtLimit_Sent()
    {
        var response = await _resolver.QueryTxtAsync($"{LongLabel}.example.test", CancellationToken.None);

        Assert.That(response.Records, Is.EqualTo(new[] { "long label" }));
    }

    [Test]
    public async Task QueryTxtAsync_LabelOverLimit_PermanentErrorWithoutQuery()
    {
        using var silent = new SilentDnsEndpoint();
        var resolver = Resolver(silent.EndPoint);
        var stopwatch = Stopwatch.StartNew();

        var response = await resolver.QueryTxtAsync($"{LongLabel}l.example.test", CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.PermanentError));
        Assert.That(response.Error, Does.Contain("over the limit of 63"));
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "a query to the silent server would have timed out");
    }

    [Test]
    public async Task QueryTxtAsync_NameAtLimit_Sent()
    {
        var name = NameOfLength(DnsName.MaxNameLength, "example.test");

        var response = await _resolver.QueryTxtAsync(name, CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.NameError));
    }

    [Test]
    public async Task QueryTxtAsync_NameOverLimit_PermanentError()
    {
        var name = NameOfLength(DnsName.MaxNameLength + 1, "example.test");

        var response = await _resolver.QueryTxtAsync(name, CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.PermanentError));
        Assert.That(response.Error, Does.Contain("254 octets"));
    }

    [Test]
    public async Task QueryTxtAsync_ServerNeverAnswers_TemporaryErrorAfterTimeoutAndRetries()
    {
        using var silent = new SilentDnsEndpoint();
        var resolver = Resolver(silent.EndPoint, timeout: TimeSpan.FromMilliseconds(300), retries: 1);
        var stopwatch = Stopwatch.StartNew();

        var response = await resolver.QueryTxtAsync("spf.example.test", CancellationToken.None);

        Assert.That(response.Status, Is.EqualTo(DnsStatus.TemporaryError));
        Assert.That(response.TimeToLive, Is.Null);
        Assert.That(response.Error, Does.Contain("ConnectionTimeout"));
        // Two tries of 300 ms each (a little less for timer granularity), and not much more.
        Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(570)).And.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task QueryTxtAsync_NothingListensOnThePort_TemporaryErrorAfterTimeout()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var resolver = Resolver(new IPEndPoint(IPAddress.Loopback, port), timeout: TimeSpan.FromMilliseconds(300), retries: 0);
        var stopwatch = Stopwatch.StartNew();

        var response = await resolver.QueryTxtAsync("spf.example.test", CancellationToken.None);

        // The ICMP "port unreachable" does not end the wait early: DnsClient waits out its timeout.
        Assert.That(response.Status, Is.EqualTo(DnsStatus.TemporaryError));
        Assert.That(response.Error, Does.Contain("ConnectionTimeout"));
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task QueryTxtAsync_FirstServerSilent_SecondServerAnswers()
    {
        using var silent = new SilentDnsEndpoint();
        var resolver = new DnsClientResolver(new DnsOptions
        {
            Nameservers = { silent.EndPoint, _server.EndPoint },
            Timeout = TimeSpan.FromMilliseconds(300),
            Retries = 0,
        });

        var response = await resolver.QueryTxtAsync("spf.example.test", CancellationToken.None);

        Assert.That(response.Records, Is.EqualTo(new[] { "v=spf1 ip4:192.0.2.0/24 -all" }));
    }

    [Test]
    public void QueryTxtAsync_CallerCancels_ThrowsOperationCanceled()
    {
        using var silent = new SilentDnsEndpoint();
        var resolver = Resolver(silent.EndPoint, timeout: TimeSpan.FromSeconds(30), retries: 0);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var stopwatch = Stopwatch.StartNew();

        Assert.That(async () => await resolver.QueryTxtAsync("spf.example.test", cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task CachingDnsResolver_OverRealServer_SecondQueryIsAHitForTheRecordTtl()
    {
        var cache = new CachingDnsResolver(_resolver, new DnsOptions());

        var first = await cache.QueryTxtAsync("ttl.example.test", CancellationToken.None);
        var second = await cache.QueryTxtAsync("TTL.example.test.", CancellationToken.None);
        var negative = await cache.QueryTxtAsync("nothing.example.test", CancellationToken.None);
        await cache.QueryTxtAsync("nothing.example.test", CancellationToken.None);

        Assert.That(second, Is.SameAs(first));
        Assert.That(negative.Status, Is.EqualTo(DnsStatus.NameError));
        Assert.That(cache.Statistics, Has.Property(nameof(DnsCacheStatistics.CacheHits)).EqualTo(2)
            .And.Property(nameof(DnsCacheStatistics.UpstreamRequests)).EqualTo(2));
    }

    [TestCase(DnsHeaderResponseCode.NoError, true, DnsStatus.Success)]
    [TestCase(DnsHeaderResponseCode.NoError, false, DnsStatus.NoData)]
    [TestCase(DnsHeaderResponseCode.NotExistentDomain, false, DnsStatus.NameError)]
    [TestCase(DnsHeaderResponseCode.ServerFailure, false, DnsStatus.TemporaryError)]
    [TestCase(DnsHeaderResponseCode.Refused, false, DnsStatus.TemporaryError)]
    [TestCase(DnsHeaderResponseCode.FormatError, false, DnsStatus.TemporaryError)]
    [TestCase(DnsHeaderResponseCode.NotImplemented, false, DnsStatus.TemporaryError)]
    [TestCase(DnsHeaderResponseCode.ServerFailure, true, DnsStatus.TemporaryError)]
    public void Classify_ResponseCode_Status(DnsHeaderResponseCode code, bool hasRecords, DnsStatus expected)
    {
        Assert.That(DnsClientResolver.Classify(code, hasRecords), Is.EqualTo(expected));
    }

    [Test]
    public void Constructor_InconsistentOptions_Throws()
    {
        var options = new DnsOptions { Nameservers = { new IPEndPoint(IPAddress.Loopback, 0) } };

        Assert.That(() => new DnsClientResolver(options), Throws.ArgumentException);
    }

    private static DnsClientResolver Resolver(IPEndPoint server, TimeSpan? timeout = null, int retries = 0) =>
        new(new DnsOptions { Nameservers = { server }, Timeout = timeout ?? TimeSpan.FromSeconds(2), Retries = retries });

    // Labels of 'n' in front of `suffix`, exactly `length` octets in all.
    private static string NameOfLength(int length, string suffix)
    {
        var prefix = DnsNameTests.NameOfLength(length - suffix.Length - 1);
        return $"{prefix}.{suffix}";
    }
}
