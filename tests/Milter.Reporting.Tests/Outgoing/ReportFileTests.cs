using System.IO.Compression;
using System.Text;
using Milter.Reporting.Outgoing;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Outgoing;

[TestFixture]
public sealed class ReportFileTests
{
    [Test]
    public void FileName_Period_ReceiverDomainBeginEndInUnixSeconds()
    {
        Assert.That(ReportFile.FileName("Receiver.Example", "Example.COM", ReportSamples.Day),
            Is.EqualTo("receiver.example!example.com!1795305600!1795392000.xml.gz"));
    }

    [TestCase("")]
    [TestCase("bad!domain")]
    [TestCase("a/b")]
    public void FileName_NotADomain_Throws(string domain)
    {
        Assert.That(() => ReportFile.FileName("receiver.example", domain, ReportSamples.Day), Throws.ArgumentException);
    }

    [Test]
    public void Compress_Xml_GunzipsBackAndHasTheGzipMagic()
    {
        var xml = Encoding.UTF8.GetBytes("<feedback>" + new string('x', 10_000) + "</feedback>");

        var compressed = ReportFile.Compress(xml);

        using var gunzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var back = new MemoryStream();
        gunzip.CopyTo(back);
        Assert.That(compressed[..2], Is.EqualTo(new byte[] { 0x1f, 0x8b }));
        Assert.That(back.ToArray(), Is.EqualTo(xml));
        Assert.That(compressed, Has.Length.LessThan(xml.Length));
    }
}
