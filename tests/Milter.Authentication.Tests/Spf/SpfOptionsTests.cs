using Milter.Authentication.Spf;

namespace Milter.Authentication.Tests.Spf;

public class SpfOptionsTests
{
    [Test]
    public void Constructor_Defaults_AreTheRfc7208Values()
    {
        var options = new SpfOptions();

        Assert.That(options.MaxDnsLookups, Is.EqualTo(10));
        Assert.That(options.MaxVoidLookups, Is.EqualTo(2));
        Assert.That(options.MaxMxNames, Is.EqualTo(10));
        Assert.That(options.MaxPtrNames, Is.EqualTo(10));
        Assert.That(options.ParsedRecordCacheSize, Is.EqualTo(1024));
        Assert.That(options.ReceiverName, Is.EqualTo("unknown"));
        Assert.That(options.DefaultExplanation, Is.EqualTo(SpfOptions.DefaultExplanationText));
        Assert.That(options.RecordTrace, Is.False);
    }

    [Test]
    public void Limits_Negative_Throw()
    {
        var options = new SpfOptions();

        Assert.That(() => options.MaxDnsLookups = -1, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.MaxVoidLookups = -1, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.MaxMxNames = -1, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.MaxPtrNames = -1, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.ParsedRecordCacheSize = -1, Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Limits_Zero_AreAccepted()
    {
        var options = new SpfOptions { MaxDnsLookups = 0, MaxVoidLookups = 0, MaxMxNames = 0, MaxPtrNames = 0, ParsedRecordCacheSize = 0 };

        Assert.That(options.MaxDnsLookups + options.MaxVoidLookups + options.MaxMxNames + options.MaxPtrNames, Is.Zero);
    }

    [TestCase("%{x}")]
    [TestCase("50%")]
    [TestCase("line\nbreak")]
    public void DefaultExplanation_InvalidMacro_Throws(string text) =>
        Assert.That(() => new SpfOptions { DefaultExplanation = text }, Throws.ArgumentException);

    [Test]
    public void DefaultExplanation_Valid_IsKept() =>
        Assert.That(new SpfOptions { DefaultExplanation = "See %{d} policy" }.DefaultExplanation, Is.EqualTo("See %{d} policy"));

    [TestCase("")]
    [TestCase(" ")]
    public void ReceiverName_Blank_Throws(string name) =>
        Assert.That(() => new SpfOptions { ReceiverName = name }, Throws.ArgumentException);
}
