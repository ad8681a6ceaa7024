using System.Net;
using Milter.Authentication.Spf;
using Milter.Dns;

namespace Milter.Authentication.Tests.Spf;

public class SpfCheckerTests
{
    private const string Helo = "mail.example.org";
    private const string Client = "192.0.2.10";
    private InMemoryDnsResolver _dns = null!;

    [SetUp]
    public void SetUp() => _dns = new InMemoryDnsResolver().AddAddress("other.example.com", IPAddress.Parse("198.51.100.1"));

    [TestCase("v=spf1 -all", SpfResult.Fail)]
    [TestCase("v=spf1 ~all", SpfResult.SoftFail)]
    [TestCase("v=spf1 ?all", SpfResult.Neutral)]
    [TestCase("v=spf1 +all", SpfResult.Pass)]
    [TestCase("v=spf1", SpfResult.Neutral)]
    [TestCase("v=spf1 ip4:192.0.2.0/24 -all", SpfResult.Pass)]
    [TestCase("v=spf1 ip4:192.0.2.11 -all", SpfResult.Fail)]
    [TestCase("v=spf1 ip6:::/0 -all", SpfResult.Fail)]
    [TestCase("v=spf1 a -all", SpfResult.Pass)]
    [TestCase("v=spf1 a:other.example.com -all", SpfResult.Fail)]
    [TestCase("v=spf1 a:other.example.com/8 -all", SpfResult.Fail)]
    [TestCase("v=spf1 a:other.example.com/0 -all", SpfResult.Pass)]
    [TestCase("v=spf1 mx -all", SpfResult.Pass)]
    [TestCase("v=spf1 mx:other.example.com -all", SpfResult.Fail)]
    [TestCase("v=spf1 ptr -all", SpfResult.Pass)]
    [TestCase("v=spf1 ptr:example.net -all", SpfResult.Fail)]
    [TestCase("v=spf1 exists:%{ir}.list.example.com -all", SpfResult.Pass)]
    [TestCase("v=spf1 exists:%{l}.list.example.com -all", SpfResult.Fail)]
    [TestCase("v=spf1 include:pass.example.com -all", SpfResult.Pass)]
    [TestCase("v=spf1 include:fail.example.com ?all", SpfResult.Neutral)]
    [TestCase("v=spf1 -include:pass.example.com +all", SpfResult.Fail)]
    [TestCase("v=spf1 include:nothing.example.com -all", SpfResult.PermError)]
    [TestCase("v=spf1 redirect=pass.example.com", SpfResult.Pass)]
    [TestCase("v=spf1 redirect=nothing.example.com", SpfResult.PermError)]
    [TestCase("v=spf1 ?all redirect=nothing.example.com", SpfResult.Neutral)]
    [TestCase("v=spf1 unknown=ignored -all", SpfResult.Fail)]
    public async Task CheckAsync_Mechanism_GivesResult(string record, SpfResult expected)
    {
        _dns.AddTxt("example.com", record)
            .AddAddress("example.com", IPAddress.Parse(Client))
            .AddMx("example.com", 10, "mx.example.com")
            .AddAddress("mx.example.com", IPAddress.Parse(Client))
            .AddPtr(IPAddress.Parse(Client), "host.example.com")
            .AddAddress("host.example.com", IPAddress.Parse(Client))
            .AddAddress("10.2.0.192.list.example.com", IPAddress.Parse("127.0.0.2"))
            .AddTxt("pass.example.com", "v=spf1 ip4:192.0.2.10 -all")
            .AddTxt("fail.example.com", "v=spf1 -all")
            .AddTxt("nothing.example.com", "not spf");

        var evaluation = await CheckMailFrom("user@example.com");

        Assert.That(evaluation.Result, Is.EqualTo(expected), evaluation.Problem);
    }

    [Test]
    public async Task CheckAsync_Match_ReportsMechanismAndCounters()
    {
        _dns.AddTxt("example.com", "v=spf1 a:other.example.com a:none.example.com ~ip4:192.0.2.0/24 -all");

        var evaluation = await CheckMailFrom("user@example.com");

        Assert.That(evaluation.Result, Is.EqualTo(SpfResult.SoftFail));
        Assert.That(evaluation.Mechanism, Is.EqualTo("~ip4:192.0.2.0/24"));
        Assert.That((evaluation.DnsLookups, evaluation.VoidLookups), Is.EqualTo((2, 1)));
        Assert.That((evaluation.Domain, evaluation.Sender, evaluation.Identity), Is.EqualTo(("example.com", "user@example.com", SpfIdentity.MailFrom)));
        Assert.That(evaluation.Trace, Is.Null);
    }

    [Test]
    public async Task CheckAsync_NoRecord_IsNone()
    {
        _dns.AddTxt("example.com", "google-site-verification=abc");

        Assert.That((await CheckMailFrom("user@example.com")).Result, Is.EqualTo(SpfResult.None));
    }

    [Test]
    public async Task CheckAsync_NoDomain_IsNone() =>
        Assert.That((await CheckMailFrom("user@missing.example.com")).Result, Is.EqualTo(SpfResult.None));

    [Test]
    public async Task CheckAsync_TwoRecords_IsPermError()
    {
        _dns.AddTxt("example.com", "v=spf1 -all").AddTxt("example.com", "V=SPF1 +all");

        var evaluation = await CheckMailFrom("user@example.com");

        Assert.That(evaluation.Result, Is.EqualTo(SpfResult.PermError));
        Assert.That(evaluation.Problem, Does.Contain("more than one SPF record"));
    }

    [Test]
    public async Task CheckAsync_RecordLookupTimesOut_IsTempError()
    {
        _dns.AddTemporaryError("example.com");

        var evaluation = await CheckMailFrom("user@example.com");

        Assert.That(evaluation.Result, Is.EqualTo(SpfResult.TempError));
        Assert.That(evaluation.Problem, Does.Contain("example.com"));
    }

    [TestCase("a:broken.example.com")]
    [TestCase("mx:broken.example.com")]
    [TestCase("exists:broken.example.com")]
    [TestCase("include:broken.example.com")]
    public async Task CheckAsync_MechanismLookupTimesOut_IsTempError(string mechanism)
    {
        _dns.AddTxt("example.com", $"v=spf1 {mechanism} +all").AddTemporaryError("broken.example.com");

        Assert.That((await CheckMailFrom("user@example.com")).Result, Is.EqualTo(SpfResult.TempError));
    }

    [Test]
    public async Task CheckAsync_PtrLookupTimesOut_DoesNotMatch()
    {
        _dns.AddTxt("example.com", "v=spf1 ptr -all").AddTemporaryError(InMemoryDnsResolver.ReverseName(IPAddress.Parse(Client)));

        Assert.That((await CheckMailFrom("user@example.com")).Result, Is.EqualTo(SpfResult.Fail));
    }

    [TestCase(10, SpfResult.Pass)]
    [TestCase(11, SpfResult.PermError)]
    public async Task CheckAsync_DnsTermsAtAndOverLimit_PassThenPermError(int terms, SpfResult expected)
    {
        var mechanisms = string.Join(' ', Enumerable.Range(1, terms).Select(_ => "a:other.example.com"));
        _dns.AddTxt("example.com", $"v=spf1 {mechanisms} ip4:{Client} -all");

        var evaluation = await CheckMailFrom("user@example.com");

        Assert.That(evaluation.Result, Is.EqualTo(expected));
        Assert.That(evaluation.DnsLookups, Is.EqualTo(terms));
    }

    [TestCase(5, 4, SpfResult.Pass)]
    [TestCase(5, 5, SpfResult.PermError)]
    public async Task CheckAsync_IncludesCountTowardsOptionLimit(int limit, int includes, SpfResult expected)
    {
        var chain = Enumerable.Range(1, includes).Select(k => $"i{k}.example.com").ToList();
        _dns.AddTxt("example.com", $"v=spf1 include:{chain[0]} -all");
        for (var k = 0; k < includes; k++)
        {
            _dns.AddTxt(chain[k], k + 1 < includes ? $"v=spf1 include:{chain[k + 1]}" : $"v=spf1 a:other.example.com ip4:{Client}");
        }

        var evaluation = await CheckMailFrom("user@example.com", new SpfOptions { MaxDnsLookups = limit });

        Assert.That(evaluation.Result, Is.EqualTo(expected));
    }

    [TestCase(2, SpfResult.Neutral)]
    [TestCase(3, SpfResult.PermError)]
    public async Task CheckAsync_VoidLookupsAtAndOverLimit_NeutralThenPermError(int voids, SpfResult expected)
    {
        var mechanisms = string.Join(' ', Enumerable.Range(1, voids).Select(k => $"a:void{k}.example.com"));
        _dns.AddTxt("example.com", $"v=spf1 {mechanisms} ?all").AddEmpty("void1.example.com");

        var evaluation = await CheckMailFrom("user@example.com");

        Assert.That(evaluation.Result, Is.EqualTo(expected));
        Assert.That(evaluation.VoidLookups, Is.EqualTo(voids));
    }

    [TestCase(10, SpfResult.Pass)]
    [TestCase(11, SpfResult.PermError)]
    public async Task CheckAsync_MxNamesAtAndOverLimit_PassThenPermError(int names, SpfResult expected)
    {
        _dns.AddTxt("example.com", "v=spf1 mx -all");
        for (var k = 1; k <= names; k++)
        {
            _dns.AddMx("example.com", k, k == 1 ? "mx.example.com" : "other.example.com");
        }

        _dns.AddAddress("mx.example.com", IPAddress.Parse(Client));

        Assert.That((await CheckMailFrom("user@example.com")).Result, Is.EqualTo(expected));
    }

    [TestCase(10, SpfResult.Pass)]
    [TestCase(11, SpfResult.Fail)]
    public async Task CheckAsync_PtrNamesAtAndOverLimit_LaterNamesIgnored(int names, SpfResult expected)
    {
        _dns.AddTxt("example.com", "v=spf1 ptr -all");
        var client = IPAddress.Parse(Client);
        for (var k = 1; k < names; k++)
        {
            _dns.AddPtr(client, $"h{k}.example.net").AddAddress($"h{k}.example.net", client);
        }

        _dns.AddPtr(client, "last.example.com").AddAddress("last.example.com", client);

        Assert.That((await CheckMailFrom("user@example.com")).Result, Is.EqualTo(expected));
    }

    [Test]
    public async Task CheckAsync_PtrNameNotValidated_DoesNotMatch()
    {
        _dns.AddTxt("example.com", "v=spf1 ptr -all").AddPtr(IPAddress.Parse(Client), "liar.example.com")
            .AddAddress("liar.example.com", IPAddress.Parse("198.51.100.7"));

        Assert.That((await CheckMailFrom("user@example.com")).Result, Is.EqualTo(SpfResult.Fail));
    }

    [TestCase("2001:db8::25", SpfResult.Pass)]
    [TestCase("2001:db8::26", SpfResult.Fail)]
    public async Task CheckAsync_IPv6Client_UsesAaaaAndIp6(string client, SpfResult expected)
    {
        _dns.AddTxt("example.com", "v=spf1 ip4:0.0.0.0/0 a//128 ip6:2001:db8:1::/48 -all")
            .AddAddress("example.com", IPAddress.Parse("2001:db8::25"));

        var evaluation = await CheckMailFrom("user@example.com", client: client);

        Assert.That(evaluation.Result, Is.EqualTo(expected));
    }

    [Test]
    public async Task CheckAsync_IPv4MappedClient_IsCheckedAsIPv4()
    {
        _dns.AddTxt("example.com", "v=spf1 ip6:::ffff:192.0.2.10 ip4:192.0.2.10 -all");

        var evaluation = await CheckMailFrom("user@example.com", client: "::ffff:192.0.2.10");

        Assert.That(evaluation.Result, Is.EqualTo(SpfResult.Pass));
        Assert.That(evaluation.Mechanism, Is.EqualTo("ip4:192.0.2.10"));
        Assert.That(evaluation.ClientAddress, Is.EqualTo(IPAddress.Parse(Client)));
    }

    [Test]
    public async Task CheckAsync_Fail_ExpandsExpOfTheFailingRecord()
    {
        _dns.AddTxt("example.com", "v=spf1 exp=why.example.com redirect=policy.example.com")
            .AddTxt("policy.example.com", "v=spf1 -all exp=why.%{d}")
            .AddTxt("why.policy.example.com", "%{i} may not send for %{o} (checked %{d} at %{r})");

        var evaluation = await CheckMailFrom("user@example.com", new SpfOptions { ReceiverName = "mx.receiver.example" });

        Assert.That(evaluation.Result, Is.EqualTo(SpfResult.Fail));
        Assert.That(evaluation.Explanation,
            Is.EqualTo("192.0.2.10 may not send for example.com (checked policy.example.com at mx.receiver.example)"));
    }

    [Test]
    public async Task CheckAsync_FailWithoutExp_GivesDefaultExplanation()
    {
        _dns.AddTxt("example.com", "v=spf1 -all exp=missing.example.com");

        var evaluation = await CheckMailFrom("user@example.com");

        Assert.That(evaluation.Explanation, Is.EqualTo("192.0.2.10 is not one of example.com's designated mail servers."));
    }

    [Test]
    public async Task CheckAsync_NotFail_HasNoExplanation()
    {
        _dns.AddTxt("example.com", "v=spf1 ~all exp=why.example.com").AddTxt("why.example.com", "no");

        Assert.That((await CheckMailFrom("user@example.com")).Explanation, Is.Null);
    }

    [Test]
    public async Task CheckAsync_NullSender_ChecksPostmasterAtHeloOnce()
    {
        _dns.AddTxt(Helo, "v=spf1 a -all").AddAddress(Helo, IPAddress.Parse(Client));
        var checker = new SpfChecker(_dns);

        var result = await checker.CheckAsync(IPAddress.Parse(Client), "", Helo, CancellationToken.None);

        Assert.That(result.Helo.Identity, Is.EqualTo(SpfIdentity.Helo));
        Assert.That(result.MailFrom.Identity, Is.EqualTo(SpfIdentity.MailFrom));
        Assert.That(result.MailFrom.Sender, Is.EqualTo("postmaster@" + Helo));
        Assert.That((result.Helo.Result, result.MailFrom.Result), Is.EqualTo((SpfResult.Pass, SpfResult.Pass)));
        Assert.That(result.MailFrom.EnvelopeFrom, Is.Null);
        Assert.That(_dns.QueryCount, Is.EqualTo(2));
    }

    [Test]
    public async Task CheckAsync_SenderAndHelo_ChecksBothIdentities()
    {
        _dns.AddTxt(Helo, "v=spf1 -all").AddTxt("example.com", "v=spf1 +all");
        var checker = new SpfChecker(_dns);

        var result = await checker.CheckAsync(IPAddress.Parse(Client), "user@example.com", Helo, CancellationToken.None);

        Assert.That((result.Helo.Result, result.Helo.Sender), Is.EqualTo((SpfResult.Fail, "postmaster@" + Helo)));
        Assert.That((result.MailFrom.Result, result.MailFrom.Domain), Is.EqualTo((SpfResult.Pass, "example.com")));
        Assert.That(result.Helo.EnvelopeFrom, Is.EqualTo("user@example.com"));
    }

    [Test]
    public async Task CheckMailFromAsync_Sender_DoesNotLookUpTheHeloName()
    {
        _dns.AddTxt(Helo, "v=spf1 -all").AddTxt("example.com", "v=spf1 +all");
        var checker = new SpfChecker(_dns);

        var result = await checker.CheckMailFromAsync(IPAddress.Parse(Client), "user@example.com", Helo, CancellationToken.None);

        Assert.That((result.Identity, result.Result, result.Domain), Is.EqualTo((SpfIdentity.MailFrom, SpfResult.Pass, "example.com")));
        Assert.That(_dns.QueryCount, Is.EqualTo(1));
    }

    [Test]
    public async Task CheckMailFromAsync_NullSender_ChecksPostmasterAtHelo()
    {
        _dns.AddTxt(Helo, "v=spf1 -all");
        var checker = new SpfChecker(_dns);

        var result = await checker.CheckMailFromAsync(IPAddress.Parse(Client), null, Helo, CancellationToken.None);

        Assert.That((result.Identity, result.Result, result.Sender), Is.EqualTo((SpfIdentity.MailFrom, SpfResult.Fail, "postmaster@" + Helo)));
    }

    [TestCase("@example.com")]
    [TestCase("example.com")]
    public async Task CheckAsync_SenderWithoutLocalPart_UsesPostmaster(string mailFrom)
    {
        _dns.AddTxt("example.com", "v=spf1 exists:%{l}.users.example.com -all")
            .AddAddress("postmaster.users.example.com", IPAddress.Parse("127.0.0.2"));

        var evaluation = await CheckMailFrom(mailFrom);

        Assert.That(evaluation.Result, Is.EqualTo(SpfResult.Pass));
        Assert.That(evaluation.Sender, Is.EqualTo("postmaster@example.com"));
    }

    [TestCase("user@[192.0.2.1]")]
    [TestCase("user@localhost")]
    [TestCase("user@a..example.com")]
    [TestCase("user@192.0.2.1")]
    public async Task CheckAsync_SenderDomainNotCheckable_IsNoneWithoutDns(string mailFrom)
    {
        var evaluation = await CheckMailFrom(mailFrom);

        Assert.That(evaluation.Result, Is.EqualTo(SpfResult.None));
        Assert.That(_dns.QueryCount, Is.Zero);
    }

    [Test]
    public async Task CheckAsync_ResolverHangsPastDeadline_IsTempErrorNotException()
    {
        var checker = new SpfChecker(new HangingDnsResolver());
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        var result = await checker.CheckAsync(IPAddress.Parse(Client), "user@example.com", Helo, deadline.Token);

        Assert.That((result.Helo.Result, result.MailFrom.Result), Is.EqualTo((SpfResult.TempError, SpfResult.TempError)));
        Assert.That(result.MailFrom.Problem, Does.Contain("time limit"));
    }

    [Test]
    public async Task CheckAsync_RecordTrace_ListsRecordsTermsAndQueries()
    {
        _dns.AddTxt("example.com", "v=spf1 include:pass.example.com -all").AddTxt("pass.example.com", $"v=spf1 ip4:{Client}");

        var evaluation = await CheckMailFrom("user@example.com", new SpfOptions { RecordTrace = true });

        Assert.That(evaluation.Trace, Is.EqualTo(new[]
        {
            new SpfTraceEntry(0, SpfTraceKind.Query, "TXT example.com: v=spf1 include:pass.example.com -all"),
            new SpfTraceEntry(0, SpfTraceKind.Record, "example.com: v=spf1 include:pass.example.com -all"),
            new SpfTraceEntry(1, SpfTraceKind.Query, $"TXT pass.example.com: v=spf1 ip4:{Client}"),
            new SpfTraceEntry(1, SpfTraceKind.Record, $"pass.example.com: v=spf1 ip4:{Client}"),
            new SpfTraceEntry(1, SpfTraceKind.Term, $"ip4:{Client}: match"),
            new SpfTraceEntry(0, SpfTraceKind.Term, "include:pass.example.com: match"),
        }));
    }

    [Test]
    public async Task CheckAsync_RecordRepeatedWithAndWithoutCache_GivesSameResult()
    {
        _dns.AddTxt("example.com", $"v=spf1 ip4:{Client} -all");
        var cached = new SpfChecker(_dns);
        var uncached = new SpfChecker(_dns, new SpfOptions { ParsedRecordCacheSize = 0 });

        var first = await cached.CheckAsync(IPAddress.Parse(Client), "a@example.com", Helo, CancellationToken.None);
        var second = await cached.CheckAsync(IPAddress.Parse(Client), "b@example.com", Helo, CancellationToken.None);
        var third = await uncached.CheckAsync(IPAddress.Parse(Client), "c@example.com", Helo, CancellationToken.None);

        Assert.That(new[] { first.MailFrom.Result, second.MailFrom.Result, third.MailFrom.Result }, Is.All.EqualTo(SpfResult.Pass));
    }

    [Test]
    public void CheckAsync_NullArguments_Throw()
    {
        var checker = new SpfChecker(_dns);

        Assert.That(async () => await checker.CheckAsync(null!, "a@example.com", Helo, CancellationToken.None), Throws.ArgumentNullException);
        Assert.That(async () => await checker.CheckAsync(IPAddress.Loopback, "a@example.com", null!, CancellationToken.None), Throws.ArgumentNullException);
        Assert.That(() => new SpfChecker(null!), Throws.ArgumentNullException);
    }

    private async Task<SpfEvaluation> CheckMailFrom(string mailFrom, SpfOptions? options = null, string client = Client)
    {
        // A domain literal HELO is "none" without DNS, so the resolver sees only the MAIL FROM check.
        var checker = new SpfChecker(_dns, options);
        var result = await checker.CheckAsync(IPAddress.Parse(client), mailFrom, "[192.0.2.10]", CancellationToken.None);
        return result.MailFrom;
    }
}
