using Milter.Reporting.Incoming;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Incoming;

public class ReportAttachmentLimitsTests
{
    [Test]
    public void Defaults_AreTheDocumentedValues()
    {
        var limits = new ReportAttachmentLimits();

        Assert.That(limits.MaxDocumentBytes, Is.EqualTo(32 * 1024 * 1024));
        Assert.That(limits.MaxZipEntries, Is.EqualTo(10));
        Assert.That(limits.MaxCompressionRatio, Is.EqualTo(200));
        Assert.That(limits.MaxDocuments, Is.EqualTo(10));
        Assert.That(ReportAttachmentLimits.RatioCheckThreshold, Is.EqualTo(1024 * 1024));
    }

    [Test]
    public void Init_ValuesAtTheBounds_AreAccepted()
    {
        Assert.That(() => new ReportAttachmentLimits { MaxDocumentBytes = 1024, MaxZipEntries = 1, MaxCompressionRatio = 2, MaxDocuments = 1 }, Throws.Nothing);
        Assert.That(() => new ReportAttachmentLimits { MaxDocumentBytes = 1024L * 1024 * 1024, MaxZipEntries = 1000, MaxCompressionRatio = 100_000, MaxDocuments = 1000 }, Throws.Nothing);
    }

    [Test]
    public void Init_ValuesOutsideTheBounds_Throw()
    {
        Assert.That(() => new ReportAttachmentLimits { MaxDocumentBytes = 1023 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ReportAttachmentLimits { MaxZipEntries = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ReportAttachmentLimits { MaxCompressionRatio = 1 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ReportAttachmentLimits { MaxDocuments = 1001 }, Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
