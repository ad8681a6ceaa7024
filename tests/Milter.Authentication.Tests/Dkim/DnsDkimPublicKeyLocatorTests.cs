using Milter.Authentication.Dkim;
using Milter.Dns;
using Org.BouncyCastle.Crypto.Parameters;

namespace Milter.Authentication.Tests.Dkim;

/// <summary>The key locator on the key records of Mail::DKIM's FAKE_DNS.dat, its cache, and its MimeKit face.</summary>
public class DnsDkimPublicKeyLocatorTests
{
    private static InMemoryDnsResolver FakeDns() => DkimCorpus.LoadZone("mail-dkim", "FAKE_DNS.dat");

    // Each key record of FAKE_DNS.dat; most are reached by no corpus message past its v=0.5 or rsa-sha1 signature.
    [TestCase("test1", "messiah.edu", DkimResult.Pass, "")]
    [TestCase("test2", "messiah.edu", DkimResult.Pass, "")]
    [TestCase("test6", "messiah.edu", DkimResult.Pass, "")]
    [TestCase("testbad1", "messiah.edu", DkimResult.PermError, "unsupported key record version v=DKIM3")]
    [TestCase("testbad2", "messiah.edu", DkimResult.PermError, "key record syntax: \"t\" is not a tag=value pair")]
    [TestCase("testbad3", "messiah.edu", DkimResult.PermError, "unsupported key type k=foobar")]
    [TestCase("testbad4", "messiah.edu", DkimResult.PermError, "key is not for email (s=chat)")]
    [TestCase("testrevoked", "messiah.edu", DkimResult.PermError, "key revoked (empty p=)")]
    [TestCase("nonexistent", "messiah.edu", DkimResult.PermError, "no key: nonexistent._domainkey.messiah.edu does not exist (NXDOMAIN)")]
    [TestCase("test3", "blackhole.messiah.edu", DkimResult.TempError, "key lookup failed: test3._domainkey.blackhole.messiah.edu: timeout")]
    [TestCase("2023-05-ed25519-empty", "wander.science", DkimResult.PermError, "key record has no p= tag")]
    [TestCase("invalid", "wander.science", DkimResult.PermError, "ed25519 key data is 44 octets, not 32")]
    public async Task LookupAsync_FakeDnsRecord_AsRfc6376Says(string selector, string domain, DkimResult expected, string problem)
    {
        var lookup = await new DnsDkimPublicKeyLocator(FakeDns()).LookupAsync(domain, selector, CancellationToken.None);

        Assert.That(lookup.Found ? (DkimResult.Pass, "") : (lookup.Failure, lookup.Problem), Is.EqualTo((expected, problem)));
    }

    [Test]
    public async Task LookupAsync_TestingKeyOf512Bits_ReportsFlagAndSize()
    {
        var lookup = await new DnsDkimPublicKeyLocator(FakeDns()).LookupAsync("messiah.edu", "test1", CancellationToken.None);

        Assert.That((lookup.Record?.Testing, lookup.Bits), Is.EqualTo(((bool?)true, 512)));
    }

    [Test]
    public async Task LookupAsync_TwoTxtRecords_PermError()
    {
        var resolver = new InMemoryDnsResolver().AddTxt("s._domainkey.example.com", "v=DKIM1; p=").AddTxt("s._domainkey.example.com", "v=DKIM1; p=");

        var lookup = await new DnsDkimPublicKeyLocator(resolver).LookupAsync("example.com", "s", CancellationToken.None);

        Assert.That((lookup.Failure, lookup.Problem), Is.EqualTo((DkimResult.PermError, "s._domainkey.example.com has 2 TXT records, not one key record")));
    }

    [TestCase(60, 59, 1)]
    [TestCase(60, 60, 2)]
    [TestCase(3600, 299, 1)]
    [TestCase(3600, 300, 2)]
    public async Task LookupAsync_AnswerWithTtl_KeptForTtlCappedAtMaxTtl(int ttlSeconds, int laterSeconds, int expectedQueries)
    {
        var zone = FakeDns();
        var clock = new ManualClock(DkimCorpus.Now);
        var locator = new DnsDkimPublicKeyLocator(TxtOnlyResolver.WithTtl(zone, TimeSpan.FromSeconds(ttlSeconds)), new DkimOptions(), clock);

        await locator.LookupAsync("messiah.edu", "test1", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(laterSeconds));
        var second = await locator.LookupAsync("messiah.edu", "test1", CancellationToken.None);

        Assert.That(second.Found, Is.True);
        Assert.That(zone.QueryCount, Is.EqualTo(expectedQueries));
    }

    [TestCase("nonexistent", "messiah.edu", 1)]
    [TestCase("test3", "blackhole.messiah.edu", 2)]
    public async Task LookupAsync_FailuresWithTtl_NxDomainKeptTempErrorNot(string selector, string domain, int expectedQueries)
    {
        var zone = FakeDns();
        var locator = new DnsDkimPublicKeyLocator(TxtOnlyResolver.WithTtl(zone, TimeSpan.FromSeconds(60)), new DkimOptions(), new ManualClock(DkimCorpus.Now));

        await locator.LookupAsync(domain, selector, CancellationToken.None);
        await locator.LookupAsync(domain, selector, CancellationToken.None);

        Assert.That(zone.QueryCount, Is.EqualTo(expectedQueries));
    }

    [Test]
    public async Task LookupAsync_AnswerWithoutTtl_NotKept()
    {
        var zone = FakeDns();
        var locator = new DnsDkimPublicKeyLocator(zone, new DkimOptions(), new ManualClock(DkimCorpus.Now));

        await locator.LookupAsync("messiah.edu", "test1", CancellationToken.None);
        await locator.LookupAsync("messiah.edu", "test1", CancellationToken.None);

        Assert.That(zone.QueryCount, Is.EqualTo(2));
    }

    [TestCase(2, 3)]
    [TestCase(3, 2)]
    public async Task LookupAsync_CacheFull_StartsOver(int cacheSize, int expectedQueriesForFirstAgain)
    {
        var zone = FakeDns();
        var locator = new DnsDkimPublicKeyLocator(
            TxtOnlyResolver.WithTtl(zone, TimeSpan.FromSeconds(60)), new DkimOptions { KeyCacheSize = cacheSize }, new ManualClock(DkimCorpus.Now));

        foreach (var selector in new[] { "test1", "test2", "test6", "test1" })
        {
            await locator.LookupAsync("messiah.edu", selector, CancellationToken.None);
        }

        Assert.That(zone.QueryCount, Is.EqualTo(expectedQueriesForFirstAgain + 1), "three names, then the first again");
    }

    [Test]
    public async Task LocatePublicKeyAsync_PublishedEd25519Key_ReturnsKey()
    {
        var key = await new DnsDkimPublicKeyLocator(FakeDns()).LocatePublicKeyAsync("dns/txt", "wander.science", "2023-05-ed25519");

        Assert.That(key, Is.InstanceOf<Ed25519PublicKeyParameters>());
    }

    [TestCase("dns/txt", "test3", "blackhole2.messiah.edu", DkimResult.TempError)]
    [TestCase("dns/txt", "nonexistent", "messiah.edu", DkimResult.PermError)]
    [TestCase("http", "test1", "messiah.edu", DkimResult.PermError)]
    public void LocatePublicKeyAsync_NoUsableKey_ThrowsWithResult(string methods, string selector, string domain, DkimResult expected)
    {
        var locator = new DnsDkimPublicKeyLocator(FakeDns());

        Assert.That(async () => await locator.LocatePublicKeyAsync(methods, domain, selector),
            Throws.TypeOf<DkimKeyException>().With.Property(nameof(DkimKeyException.Result)).EqualTo(expected));
    }

    [Test]
    public void LocatePublicKey_Synchronous_NotSupported()
    {
        var locator = new DnsDkimPublicKeyLocator(FakeDns());

        Assert.That(() => locator.LocatePublicKey("dns/txt", "messiah.edu", "test1"), Throws.TypeOf<NotSupportedException>());
    }
}
