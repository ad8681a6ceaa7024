using System.Net;
using Milter.Authentication.Spf;

namespace Milter.Authentication.Tests.Spf;

public class SpfRecordParserTests
{
    [TestCase("v=spf1", true)]
    [TestCase("v=spf1 -all", true)]
    [TestCase("V=SpF1 -all", true)]
    [TestCase("v=spf1mx", false)]
    [TestCase("v=spf10", false)]
    [TestCase("v=spf1\t-all", false)]
    [TestCase("spf2.0/pra -all", false)]
    public void IsSpfRecord_Text_ChecksVersionAndSeparator(string text, bool expected) =>
        Assert.That(SpfRecordParser.IsSpfRecord(text), Is.EqualTo(expected));

    [Test]
    public void Parse_DualCidr_TakesBothLengthsFromTheEnd()
    {
        var record = SpfRecordParser.Parse("v=spf1 a:d.example.com/24//64");

        var a = record.Mechanisms.Single();
        Assert.That(record.Problem, Is.Null);
        Assert.That(a.DomainSpec!.Text, Is.EqualTo("d.example.com"));
        Assert.That((a.Ip4Prefix, a.Ip6Prefix), Is.EqualTo((24, 64)));
    }

    [Test]
    public void Parse_SlashInsideDomainSpec_KeepsItInTheDomain()
    {
        var mx = SpfRecordParser.Parse("v=spf1 mx:foo:bar/baz.example.com").Mechanisms.Single();

        Assert.That(mx.DomainSpec!.Text, Is.EqualTo("foo:bar/baz.example.com"));
        Assert.That((mx.Ip4Prefix, mx.Ip6Prefix), Is.EqualTo((32, 128)));
    }

    [Test]
    public void Parse_QualifiersAndModifiers_AreRead()
    {
        var record = SpfRecordParser.Parse("v=spf1  +ip4:192.0.2.0/24 -IP6:2001:db8::/32 ~mx ?all unknown=%{d} exp=x.%{d} redirect=r.example.com ");

        Assert.That(record.Problem, Is.Null);
        Assert.That(record.Mechanisms.Select(m => (m.Qualifier, m.Kind)), Is.EqualTo(new[]
        {
            (SpfResult.Pass, SpfMechanismKind.Ip4), (SpfResult.Fail, SpfMechanismKind.Ip6),
            (SpfResult.SoftFail, SpfMechanismKind.Mx), (SpfResult.Neutral, SpfMechanismKind.All),
        }));
        Assert.That(record.Mechanisms[0].Network, Is.EqualTo(IPAddress.Parse("192.0.2.0")));
        Assert.That(record.Mechanisms[1].Ip6Prefix, Is.EqualTo(32));
        Assert.That(record.Explanation!.Text, Is.EqualTo("x.%{d}"));
        Assert.That(record.Redirect!.Text, Is.EqualTo("r.example.com"));
    }

    [TestCase("v=spf1 ip4:192.0.2.1 -all moo", TestName = "Parse_UnknownMechanismAfterMatch_IsPermError")]
    [TestCase("v=spf1 -all.")]
    [TestCase("v=spf1 all:x.example.com")]
    [TestCase("v=spf1 a:museum")]
    [TestCase("v=spf1 a:example.com:8080")]
    [TestCase("v=spf1 a:abc.123")]
    [TestCase("v=spf1 a:example.-com")]
    [TestCase("v=spf1 a:")]
    [TestCase("v=spf1 a/33")]
    [TestCase("v=spf1 a//129")]
    [TestCase("v=spf1 a/24/64")]
    [TestCase("v=spf1 a/024")]
    [TestCase("v=spf1 include")]
    [TestCase("v=spf1 include:example.com/24")]
    [TestCase("v=spf1 exists")]
    [TestCase("v=spf1 ptr/0")]
    [TestCase("v=spf1 ip4")]
    [TestCase("v=spf1 ip4:192.0.2")]
    [TestCase("v=spf1 ip4:192.0.2.01")]
    [TestCase("v=spf1 ip4:192.0.2.1//32")]
    [TestCase("v=spf1 ip6:192.0.2.1")]
    [TestCase("v=spf1 ip6::CAFE::BABE")]
    [TestCase("v=spf1 ip6:fe80::1%eth0")]
    [TestCase("v=spf1 ip6:::1/129")]
    [TestCase("v=spf1 redirect:example.com")]
    [TestCase("v=spf1 redirect=a.example.com redirect=b.example.com")]
    [TestCase("v=spf1 exp=a.example.com exp=b.example.com")]
    [TestCase("v=spf1 exp=")]
    [TestCase("v=spf1 exp=%{r}.example.com")]
    [TestCase("v=spf1 1up=foo")]
    [TestCase("v=spf1 =all")]
    [TestCase("v=spf1 foo=%abc")]
    [TestCase("v=spf1 a:x.example.com\rptr")]
    [TestCase("v=spf1 \u0096all")]
    public void Parse_InvalidRecord_HasProblem(string text)
    {
        var record = SpfRecordParser.Parse(text);

        Assert.That(record.Problem, Is.Not.Null);
        Assert.That(record.Mechanisms, Is.Empty);
    }
}
