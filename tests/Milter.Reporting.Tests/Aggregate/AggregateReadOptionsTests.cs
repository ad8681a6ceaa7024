using Milter.Reporting.Aggregate;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Aggregate;

[TestFixture]
public sealed class AggregateReadOptionsTests
{
    [Test]
    public void Defaults_AreDocumented()
    {
        var options = new AggregateReadOptions();

        Assert.That(options.MaxCharactersInDocument, Is.EqualTo(64L * 1024 * 1024));
        Assert.That(AggregateReadOptions.DefaultMaxCharactersInDocument, Is.EqualTo(67_108_864));
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void MaxCharactersInDocument_NotPositive_Throws(long value)
    {
        var options = new AggregateReadOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxCharactersInDocument = value);
        Assert.That(options.MaxCharactersInDocument, Is.EqualTo(AggregateReadOptions.DefaultMaxCharactersInDocument));
    }

    [Test]
    public void MaxCharactersInDocument_One_IsAccepted()
    {
        Assert.That(new AggregateReadOptions { MaxCharactersInDocument = 1 }.MaxCharactersInDocument, Is.EqualTo(1));
    }
}
