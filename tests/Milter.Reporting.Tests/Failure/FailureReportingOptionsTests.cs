using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using Milter.Reporting.Failure;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Failure;

public class FailureReportingOptionsTests
{
    [TestCase(null, "0")]
    [TestCase("", "0")]
    [TestCase("0", "0")]
    [TestCase("1", "1")]
    [TestCase("d", "d")]
    [TestCase("s", "s")]
    [TestCase("D:S", "d:s")]
    [TestCase("1:d:s", "1:d:s")]
    [TestCase("0 : 1", "0:1")]
    [TestCase("x:d", "d")]
    [TestCase("x", "0")]
    [TestCase("2:y", "0")]
    public void Parse_Value_ReadsKnownOptions(string? fo, string expected)
    {
        Assert.That(FailureReportingOptions.Parse(fo).ToString(), Is.EqualTo(expected));
    }

    // Columns: fo, SPF result, SPF aligned, DKIM signatures as "result/aligned" (comma-separated, "-" for none), expected.
    [TestCase("0", SpfResult.Pass, true, "fail/aligned", false, TestName = "fo=0, SPF aligned pass, DKIM fail: no report")]
    [TestCase("0", SpfResult.Fail, true, "pass/aligned", false, TestName = "fo=0, DKIM aligned pass, SPF fail: no report")]
    [TestCase("0", SpfResult.Pass, false, "pass/unaligned", true, TestName = "fo=0, both pass unaligned: report")]
    [TestCase("0", SpfResult.Fail, true, "fail/aligned", true, TestName = "fo=0, both fail aligned: report")]
    [TestCase("0", SpfResult.None, false, "-", true, TestName = "fo=0, no SPF and no signature: report")]
    [TestCase("1", SpfResult.Pass, true, "pass/aligned", false, TestName = "fo=1, both aligned pass: no report")]
    [TestCase("1", SpfResult.Pass, true, "fail/aligned", true, TestName = "fo=1, SPF aligned pass, DKIM fail: report")]
    [TestCase("1", SpfResult.Pass, true, "-", true, TestName = "fo=1, SPF aligned pass, no signature: report")]
    [TestCase("1", SpfResult.Pass, false, "pass/aligned", true, TestName = "fo=1, SPF pass unaligned, DKIM aligned pass: report")]
    [TestCase("1", SpfResult.Pass, true, "pass/aligned,fail/unaligned", false, TestName = "fo=1, one aligned DKIM pass is enough for DKIM")]
    [TestCase("d", SpfResult.Pass, true, "pass/aligned", false, TestName = "fo=d, signature passes: no report")]
    [TestCase("d", SpfResult.Pass, true, "pass/aligned,fail/unaligned", true, TestName = "fo=d, unaligned signature fails under DMARC pass: report")]
    [TestCase("d", SpfResult.Fail, true, "-", false, TestName = "fo=d, no signature, SPF fail: no report")]
    [TestCase("d", SpfResult.Pass, true, "permerror/aligned", true, TestName = "fo=d, permerror counts as failed")]
    [TestCase("d", SpfResult.Pass, true, "temperror/unaligned", true, TestName = "fo=d, temperror counts as failed")]
    [TestCase("d", SpfResult.Pass, true, "policy/unaligned", true, TestName = "fo=d, policy counts as failed")]
    [TestCase("d", SpfResult.Pass, true, "neutral/aligned", false, TestName = "fo=d, neutral is not a failure")]
    [TestCase("s", SpfResult.Fail, false, "pass/aligned", true, TestName = "fo=s, unaligned SPF fail under DMARC pass: report")]
    [TestCase("s", SpfResult.SoftFail, false, "pass/aligned", true, TestName = "fo=s, softfail: report")]
    [TestCase("s", SpfResult.TempError, false, "pass/aligned", true, TestName = "fo=s, temperror: report")]
    [TestCase("s", SpfResult.PermError, false, "pass/aligned", true, TestName = "fo=s, permerror: report")]
    [TestCase("s", SpfResult.None, false, "fail/aligned", false, TestName = "fo=s, SPF none: no report")]
    [TestCase("s", SpfResult.Neutral, false, "fail/aligned", false, TestName = "fo=s, SPF neutral: no report")]
    [TestCase("s", SpfResult.Pass, false, "fail/aligned", false, TestName = "fo=s, SPF pass unaligned: no report")]
    [TestCase("d:s", SpfResult.Pass, true, "fail/unaligned", true, TestName = "fo=d:s, DKIM failure alone: report")]
    [TestCase("d:s", SpfResult.Fail, false, "pass/aligned", true, TestName = "fo=d:s, SPF failure alone: report")]
    [TestCase("d:s", SpfResult.Pass, false, "pass/unaligned", false, TestName = "fo=d:s, nothing failed evaluation: no report")]
    [TestCase("0:s", SpfResult.Fail, false, "pass/aligned", true, TestName = "fo=0:s, s reports what 0 would not")]
    [TestCase("x", SpfResult.Pass, true, "fail/aligned", false, TestName = "fo=x reads as 0")]
    public void ShouldReport_Results_AsRfc9989Says(string fo, SpfResult spfResult, bool spfAligned, string dkim, bool expected)
    {
        var spf = new FailureReportSpf("mail.example.com", spfResult, spfAligned);

        var report = FailureReportingOptions.Parse(fo).ShouldReport(spf, Signatures(dkim));

        Assert.That(report, Is.EqualTo(expected));
    }

    [Test]
    public void ShouldReport_SpfNotChecked_CountsAsNoAlignedPass()
    {
        var dkim = Signatures("fail/aligned");

        Assert.Multiple(() =>
        {
            Assert.That(FailureReportingOptions.Default.ShouldReport(FailureReportSpf.NotChecked, dkim), Is.True);
            Assert.That(FailureReportingOptions.Parse("s").ShouldReport(FailureReportSpf.NotChecked, dkim), Is.False);
        });
    }

    [Test]
    public void ShouldReport_NullArguments_Throw()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => FailureReportingOptions.Default.ShouldReport(null!, []), Throws.ArgumentNullException);
            Assert.That(() => FailureReportingOptions.Default.ShouldReport(FailureReportSpf.NotChecked, null!), Throws.ArgumentNullException);
        });
    }

    private static List<FailureReportDkim> Signatures(string text) =>
        text == "-"
            ? []
            : text.Split(',').Select((signature, i) =>
            {
                var parts = signature.Split('/');
                return new FailureReportDkim("example.com", $"s{i}", Enum.Parse<DmarcDkimOutcome>(parts[0], ignoreCase: true), parts[1] == "aligned");
            }).ToList();
}
