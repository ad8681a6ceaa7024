using Milter.Dns;
using Milter.Reporting.Outgoing;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Outgoing;

[TestFixture]
public sealed class ReportDestinationVerifierTests
{
    [TestCase("example.com", "example.com")]
    [TestCase("example.com", "Reports.Example.COM.")]
    public async Task VerifyAsync_SameDomainOrBelow_AllowedWithoutAQuery(string policy, string destination)
    {
        var dns = new InMemoryDnsResolver();

        var verdict = await new ReportDestinationVerifier(dns).VerifyAsync(policy, destination, CancellationToken.None);

        Assert.That(verdict, Is.EqualTo(DestinationVerdict.Allowed));
        Assert.That(dns.QueryCount, Is.Zero);
    }

    [TestCase("v=DMARC1")]
    [TestCase("v=DMARC1;")]
    [TestCase("v=DMARC1; rua=mailto:x@thirdparty.example")]
    public async Task VerifyAsync_AuthorizationRecord_Allowed(string record)
    {
        var dns = new InMemoryDnsResolver().AddTxt("example.com._report._dmarc.thirdparty.example", record);

        var verdict = await new ReportDestinationVerifier(dns).VerifyAsync("example.com", "thirdparty.example", CancellationToken.None);

        Assert.That(verdict, Is.EqualTo(DestinationVerdict.Allowed));
        Assert.That(dns.QueryCount, Is.EqualTo(1));
    }

    [Test]
    public async Task VerifyAsync_NoSuchName_NotAuthorized()
    {
        var verdict = await new ReportDestinationVerifier(new InMemoryDnsResolver()).VerifyAsync("example.com", "thirdparty.example", CancellationToken.None);

        Assert.That(verdict, Is.EqualTo(DestinationVerdict.NotAuthorized));
    }

    [TestCase("v=spf1 -all")]
    [TestCase("v=DMARC1x")]
    [TestCase("v=dmarc1")]
    public async Task VerifyAsync_OtherRecordOnly_NotAuthorized(string record)
    {
        var dns = new InMemoryDnsResolver().AddTxt("example.com._report._dmarc.thirdparty.example", record);

        var verdict = await new ReportDestinationVerifier(dns).VerifyAsync("example.com", "thirdparty.example", CancellationToken.None);

        Assert.That(verdict, Is.EqualTo(DestinationVerdict.NotAuthorized));
    }

    [Test]
    public async Task VerifyAsync_RecordForAnotherPolicyDomain_NotAuthorized()
    {
        var dns = new InMemoryDnsResolver().AddTxt("example.org._report._dmarc.thirdparty.example", "v=DMARC1");

        var verdict = await new ReportDestinationVerifier(dns).VerifyAsync("example.com", "thirdparty.example", CancellationToken.None);

        Assert.That(verdict, Is.EqualTo(DestinationVerdict.NotAuthorized));
    }

    [Test]
    public async Task VerifyAsync_ParentOfThePolicyDomain_IsLookedUp()
    {
        var dns = new InMemoryDnsResolver().AddTxt("mail.example.com._report._dmarc.example.com", "v=DMARC1");

        var verdict = await new ReportDestinationVerifier(dns).VerifyAsync("mail.example.com", "example.com", CancellationToken.None);

        Assert.That(verdict, Is.EqualTo(DestinationVerdict.Allowed));
        Assert.That(dns.QueryCount, Is.EqualTo(1));
    }

    [Test]
    public async Task VerifyAsync_DnsTemporaryError_TemporaryFailure()
    {
        var dns = new InMemoryDnsResolver().AddTemporaryError("example.com._report._dmarc.thirdparty.example");

        var verdict = await new ReportDestinationVerifier(dns).VerifyAsync("example.com", "thirdparty.example", CancellationToken.None);

        Assert.That(verdict, Is.EqualTo(DestinationVerdict.TemporaryFailure));
    }

    [Test]
    public async Task VerifyAsync_SuffixButNotASubdomain_IsLookedUp()
    {
        var dns = new InMemoryDnsResolver();

        var verdict = await new ReportDestinationVerifier(dns).VerifyAsync("example.com", "badexample.com", CancellationToken.None);

        Assert.That(verdict, Is.EqualTo(DestinationVerdict.NotAuthorized));
        Assert.That(dns.QueryCount, Is.EqualTo(1));
    }
}
