using Milter.Authentication.Dmarc;

namespace Milter.Authentication.Tests.Dmarc;

public class DmarcRecordParserTests
{
    private static DmarcRecord Parse(string text)
    {
        Assert.That(DmarcRecord.TryParse(text, out var record), Is.True, text);
        return record!;
    }

    [TestCase("v=DMARC1; p=reject", DmarcPolicy.Reject)]
    [TestCase("v=DMARC1;p=quarantine", DmarcPolicy.Quarantine)]
    [TestCase("v = DMARC1 ;\tp = none ;", DmarcPolicy.None)]
    [TestCase("V=DMARC1; P=REJECT", DmarcPolicy.Reject)]
    public void TryParse_Policy_IsRead(string text, DmarcPolicy expected)
    {
        var record = Parse(text);

        Assert.That((record.Policy, record.PolicyProblem, record.IsUsable), Is.EqualTo((expected, (string?)null, true)));
    }

    [TestCase("p=reject; v=DMARC1")]
    [TestCase("v=dmarc1; p=reject")]
    [TestCase("v=DMARC2; p=reject")]
    [TestCase("v=DMARC1 p=reject")]
    [TestCase("v=spf1 -all")]
    [TestCase("")]
    [TestCase("DMARC1; p=reject")]
    public void TryParse_VersionNotFirstOrWrong_IsNotARecord(string text) =>
        Assert.That(DmarcRecord.TryParse(text, out _), Is.False);

    [Test]
    public void TryParse_AllTags_AreRead()
    {
        var record = Parse(
            "v=DMARC1; p=quarantine; sp=reject; np=none; adkim=s; aspf=s; psd=n; t=y; pct=50; " +
            "rua=mailto:agg@example.com!10m, mailto:other@example.net; ruf=mailto:ruf@example.com!512; fo=1:d:s; rf=afrf; ri=3600");

        Assert.Multiple(() =>
        {
            Assert.That(record.Policy, Is.EqualTo(DmarcPolicy.Quarantine));
            Assert.That(record.SubdomainPolicy, Is.EqualTo(DmarcPolicy.Reject));
            Assert.That(record.NonExistentSubdomainPolicy, Is.EqualTo(DmarcPolicy.None));
            Assert.That((record.DkimAlignment, record.SpfAlignment), Is.EqualTo((DmarcAlignmentMode.Strict, DmarcAlignmentMode.Strict)));
            Assert.That(record.Psd, Is.EqualTo(DmarcPsd.No));
            Assert.That((record.Testing, record.Percentage, record.IsTestingMode), Is.EqualTo((true, 50, true)));
            Assert.That(record.AggregateReportUris, Is.EqualTo(new[]
            {
                new DmarcReportUri(new Uri("mailto:agg@example.com"), 10L << 20),
                new DmarcReportUri(new Uri("mailto:other@example.net"), null),
            }));
            Assert.That(record.FailureReportUris, Is.EqualTo(new[] { new DmarcReportUri(new Uri("mailto:ruf@example.com"), 512) }));
            Assert.That(record.FailureReportingOptions, Is.EqualTo("1:d:s"));
            Assert.That((record.ReportFormat, record.ReportInterval), Is.EqualTo(("afrf", 3600u)));
        });
    }

    [Test]
    public void TryParse_OnlyPolicy_HasDefaults()
    {
        var record = Parse("v=DMARC1; p=none");

        Assert.Multiple(() =>
        {
            Assert.That((record.SubdomainPolicy, record.NonExistentSubdomainPolicy), Is.EqualTo(((DmarcPolicy?)null, (DmarcPolicy?)null)));
            Assert.That((record.DkimAlignment, record.SpfAlignment), Is.EqualTo((DmarcAlignmentMode.Relaxed, DmarcAlignmentMode.Relaxed)));
            Assert.That((record.Psd, record.Testing, record.Percentage), Is.EqualTo((DmarcPsd.Unspecified, false, (int?)null)));
            Assert.That((record.AggregateReportUris, record.FailureReportUris), Is.EqualTo((Array.Empty<DmarcReportUri>(), Array.Empty<DmarcReportUri>())));
            Assert.That((record.FailureReportingOptions, record.ReportFormat, record.ReportInterval), Is.EqualTo(("0", "afrf", 86_400u)));
            Assert.That(record.IsTestingMode, Is.False);
        });
    }

    [TestCase("adkim=x; aspf=relaxed; psd=maybe; t=yes; fo=0:1; ri=-5; pct=101")]
    [TestCase("adkim=; aspf=r s; psd=; t=; fo=x; ri=99999999999; pct=1000")]
    public void TryParse_InvalidOptionalValues_TakeDefaults(string tags)
    {
        var record = Parse("v=DMARC1; p=reject; " + tags);

        Assert.Multiple(() =>
        {
            Assert.That((record.DkimAlignment, record.SpfAlignment, record.Psd), Is.EqualTo((DmarcAlignmentMode.Relaxed, DmarcAlignmentMode.Relaxed, DmarcPsd.Unspecified)));
            Assert.That((record.Testing, record.Percentage), Is.EqualTo((false, (int?)null)));
            Assert.That((record.FailureReportingOptions, record.ReportInterval), Is.EqualTo(("0", 86_400u)));
            Assert.That((record.Policy, record.IsUsable), Is.EqualTo((DmarcPolicy.Reject, true)));
        });
    }

    [Test]
    public void TryParse_UnknownTagsAndJunk_AreIgnored()
    {
        var record = Parse("v=DMARC1; foo=bar; 1x=2; =empty; noequals; p=reject; x-new=1;;");

        Assert.That((record.Policy, record.PolicyProblem), Is.EqualTo((DmarcPolicy.Reject, (string?)null)));
    }

    [Test]
    public void TryParse_RepeatedTag_KeepsTheFirst() =>
        Assert.That(Parse("v=DMARC1; p=none; p=reject").Policy, Is.EqualTo(DmarcPolicy.None));

    // RFC 9989 section 4.10.1: no valid p (or an invalid sp/np): p=none if a valid rua exists, else no DMARC processing.
    [TestCase("v=DMARC1; p=block", "invalid p tag \"block\"")]
    [TestCase("v=DMARC1", "no p tag")]
    [TestCase("v=DMARC1; p=reject; sp=bogus", "invalid sp tag \"bogus\"")]
    [TestCase("v=DMARC1; p=reject; np=", "invalid np tag \"\"")]
    public void TryParse_InvalidPolicyWithoutRua_IsNotUsable(string text, string problem)
    {
        var record = Parse(text);

        Assert.That((record.PolicyProblem, record.IsUsable, record.Policy), Is.EqualTo((problem, false, DmarcPolicy.None)));
    }

    [Test]
    public void TryParse_InvalidPolicyWithValidRua_ReadsAsPolicyNone()
    {
        var record = Parse("v=DMARC1; p=block; sp=reject; rua=mailto:a@example.com");

        Assert.That((record.IsUsable, record.Policy, record.SubdomainPolicy), Is.EqualTo((true, DmarcPolicy.None, (DmarcPolicy?)null)));
    }

    [Test]
    public void TryParse_InvalidPolicyWithOnlyInvalidRua_IsNotUsable() =>
        Assert.That(Parse("v=DMARC1; p=block; rua=not a uri").IsUsable, Is.False);

    [TestCase("mailto:a@example.com!10k", 10L << 10)]
    [TestCase("mailto:a@example.com!10M", 10L << 20)]
    [TestCase("mailto:a@example.com!2g", 2L << 30)]
    [TestCase("mailto:a@example.com!1t", 1L << 40)]
    [TestCase("mailto:a@example.com!100", 100L)]
    public void TryParse_RuaSizeSuffix_IsBytes(string uri, long size) =>
        Assert.That(Parse("v=DMARC1; p=none; rua=" + uri).AggregateReportUris.Single(), Is.EqualTo(new DmarcReportUri(new Uri("mailto:a@example.com"), size)));

    [TestCase("mailto:a@example.com!")]
    [TestCase("mailto:a@example.com!k")]
    [TestCase("mailto:a@example.com!10x")]
    [TestCase("mailto:a@example.com!99999999999999999999")]
    [TestCase("mailto:a@example.com!9999999999999t")]
    [TestCase("relative/path")]
    public void TryParse_BadRuaEntry_IsDroppedOthersKept(string bad)
    {
        var uris = Parse($"v=DMARC1; p=none; rua={bad}, https://reports.example.net/dmarc").AggregateReportUris;

        Assert.That(uris, Is.EqualTo(new[] { new DmarcReportUri(new Uri("https://reports.example.net/dmarc"), null) }));
    }

    [TestCase("pct=0", true)]
    [TestCase("pct=100", false)]
    [TestCase("pct=1", false)]
    [TestCase("t=y", true)]
    [TestCase("t=Y", true)]
    [TestCase("t=n", false)]
    [TestCase("t=n; pct=0", true)]
    public void TryParse_TestingMode_FromTOrPctZero(string tags, bool testing) =>
        Assert.That(Parse("v=DMARC1; p=reject; " + tags).IsTestingMode, Is.EqualTo(testing));

    [TestCase("psd=y", DmarcPsd.Yes)]
    [TestCase("psd=n", DmarcPsd.No)]
    [TestCase("psd=u", DmarcPsd.Unspecified)]
    public void TryParse_Psd_IsRead(string tag, DmarcPsd expected) =>
        Assert.That(Parse("v=DMARC1; p=none; " + tag).Psd, Is.EqualTo(expected));

    [TestCase("fo=0", "0")]
    [TestCase("fo=d:1", "d:1")]
    [TestCase("fo=s : d", "s:d")]
    [TestCase("fo=D", "d")]
    [TestCase("fo=d:d", "0")]
    public void TryParse_FailureOptions_AreValidated(string tag, string expected) =>
        Assert.That(Parse("v=DMARC1; p=none; " + tag).FailureReportingOptions, Is.EqualTo(expected));

    [Test]
    public void TryParse_Null_Throws() =>
        Assert.That(() => DmarcRecord.TryParse(null!, out _), Throws.ArgumentNullException);
}
