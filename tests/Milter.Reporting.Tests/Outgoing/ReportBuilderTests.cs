using Milter.Authentication.Dmarc;
using Milter.Reporting.Outgoing;
using Milter.Reporting.Storage;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Outgoing;

[TestFixture]
public sealed class ReportBuilderTests
{
    private static readonly ReportBuilder Builder = new(ReportSamples.Options(), "treewalk");

    [Test]
    public void Build_History_KeepsTheStoresGroupingAndCounts()
    {
        var history = ReportSamples.History();

        var report = Builder.Build(history, ReportSamples.Day);

        Assert.That(report.Records, Is.EqualTo(history.Records));
        Assert.That(report.MessageCount, Is.EqualTo(4));
        Assert.That(report.Version, Is.EqualTo("1.0"));
    }

    [Test]
    public void Build_History_MetadataHasUsThePeriodAndTheGenerator()
    {
        var report = Builder.Build(ReportSamples.History(), ReportSamples.Day);

        Assert.That(report.Metadata.OrgName, Is.EqualTo("Receiver Example"));
        Assert.That(report.Metadata.Email, Is.EqualTo("dmarc-reports@receiver.example"));
        Assert.That(report.Metadata.Begin, Is.EqualTo(ReportSamples.Day.Begin));
        Assert.That(report.Metadata.End, Is.EqualTo(ReportSamples.Day.End));
        Assert.That(report.Metadata.Generator, Does.StartWith("authmilter "));
    }

    [Test]
    public void Build_FullRecord_PolicyPublishedHasEveryTag()
    {
        var history = ReportSamples.History(record: "v=DMARC1; p=quarantine; sp=reject; np=none; adkim=s; aspf=r; fo=1:d; t=y; rua=mailto:a@example.com");

        var policy = Builder.Build(history, ReportSamples.Day).Policy;

        Assert.That(policy.Domain, Is.EqualTo("example.com"));
        Assert.That(policy.P, Is.EqualTo("quarantine"));
        Assert.That(policy.Sp, Is.EqualTo("reject"));
        Assert.That(policy.Np, Is.EqualTo("none"));
        Assert.That(policy.Adkim, Is.EqualTo("s"));
        Assert.That(policy.Aspf, Is.EqualTo("r"));
        Assert.That(policy.Fo, Is.EqualTo("1:d"));
        Assert.That(policy.Testing, Is.EqualTo("y"));
        Assert.That(policy.DiscoveryMethod, Is.EqualTo("treewalk"));
    }

    [Test]
    public void Build_MinimalRecord_DefaultsAndNoSpOrNp()
    {
        var policy = Builder.Build(ReportSamples.History(record: "v=DMARC1; p=none"), ReportSamples.Day).Policy;

        Assert.That((policy.P, policy.Sp, policy.Np, policy.Adkim, policy.Aspf, policy.Fo, policy.Testing),
            Is.EqualTo(("none", (string?)null, (string?)null, "r", "r", "0", "n")));
    }

    [Test]
    public void Build_Rfc7489PctZero_IsTestingMode()
    {
        var policy = Builder.Build(ReportSamples.History(record: "v=DMARC1; p=reject; pct=0"), ReportSamples.Day).Policy;

        Assert.That(policy.Testing, Is.EqualTo("y"));
    }

    [Test]
    public void Build_TwiceForTheSameDomainAndPeriod_SameReportId()
    {
        var first = Builder.Build(ReportSamples.History(), ReportSamples.Day);
        var retry = new ReportBuilder(ReportSamples.Options(), "treewalk").Build(ReportSamples.History(), ReportSamples.Day);

        Assert.That(retry.Metadata.ReportId, Is.EqualTo(first.Metadata.ReportId));
    }

    [Test]
    public void ReportId_OtherDomainPeriodOrReporter_Differs()
    {
        var id = ReportBuilder.ReportId("Receiver Example", "example.com", ReportSamples.Day);

        Assert.That(ReportBuilder.ReportId("Receiver Example", "example.org", ReportSamples.Day), Is.Not.EqualTo(id));
        Assert.That(ReportBuilder.ReportId("Receiver Example", "example.com", ReportSamples.Day.Previous), Is.Not.EqualTo(id));
        Assert.That(ReportBuilder.ReportId("Other Receiver", "example.com", ReportSamples.Day), Is.Not.EqualTo(id));
    }

    [Test]
    public void ReportId_IsUsableInsideAMessageId()
    {
        var id = ReportBuilder.ReportId("Receiver Example", "example.com", ReportSamples.Day);

        Assert.That(id, Does.Match("^[0-9]+\\.[0-9a-f]{16}$"));
    }

    [Test]
    public void Constructor_UnknownDiscoveryMethod_Throws()
    {
        Assert.That(() => new ReportBuilder(ReportSamples.Options(), "dns"), Throws.ArgumentException);
    }

    [TestCase(DmarcDiscoveryMode.TreeWalk, "treewalk")]
    [TestCase(DmarcDiscoveryMode.PublicSuffixList, "psl")]
    public void DiscoveryMethod_Mode_Keyword(DmarcDiscoveryMode mode, string expected)
    {
        Assert.That(ReportBuilder.DiscoveryMethod(mode), Is.EqualTo(expected));
    }

    [Test]
    public void Build_RecordNoLongerParses_PolicyNamesOnlyTheDomain()
    {
        var history = new PeriodHistory("example.com", "not a dmarc record", ReportSamples.History().Records);

        var policy = Builder.Build(history, ReportSamples.Day).Policy;

        Assert.That((policy.Domain, policy.P, policy.DiscoveryMethod), Is.EqualTo(("example.com", (string?)null, "treewalk")));
    }
}
