using Milter.Daemon.Configuration;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Configuration;

public class ConfigValueTests
{
    [TestCase("yes", true)]
    [TestCase("TRUE", true)]
    [TestCase("on", true)]
    [TestCase("no", false)]
    [TestCase("False", false)]
    [TestCase("0", false)]
    public void ParseBool_KnownWords_AreRead(string text, bool expected) => Assert.That(ConfigValue.ParseBool(text), Is.EqualTo(expected));

    [Test]
    public void ParseBool_Other_Throws() => Assert.Throws<FormatException>(() => ConfigValue.ParseBool("maybe"));

    [TestCase("250ms", 250)]
    [TestCase("30", 30_000)]
    [TestCase("30s", 30_000)]
    [TestCase("1.5s", 1_500)]
    [TestCase("5m", 300_000)]
    [TestCase("2h", 7_200_000)]
    [TestCase("1d", 86_400_000)]
    public void ParseDuration_NumberAndUnit_IsRead(string text, int milliseconds) =>
        Assert.That(ConfigValue.ParseDuration(text, TimeSpan.Zero), Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));

    [TestCase("")]
    [TestCase("s")]
    [TestCase("-5s")]
    [TestCase("5y")]
    public void ParseDuration_Malformed_Throws(string text) => Assert.Throws<FormatException>(() => ConfigValue.ParseDuration(text, TimeSpan.Zero));

    [Test]
    public void ParseDuration_AtAndBelowMinimum_AcceptsAndThrows()
    {
        Assert.That(ConfigValue.ParseDuration("1s", TimeSpan.FromSeconds(1)), Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.Throws<FormatException>(() => ConfigValue.ParseDuration("999ms", TimeSpan.FromSeconds(1)));
    }

    [TestCase(500, "500ms")]
    [TestCase(30_000, "30s")]
    [TestCase(120_000, "2m")]
    [TestCase(7_200_000, "2h")]
    [TestCase(7_210_000, "7210s")]
    public void Format_Duration_UsesTheLargestExactUnit(int milliseconds, string expected) =>
        Assert.That(ConfigValue.Format(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(expected));

    [Test]
    public void ParseInt_AtBoundsAndBeyond_AcceptsAndThrows()
    {
        Assert.That(ConfigValue.ParseInt("1", 1, 10), Is.EqualTo(1));
        Assert.That(ConfigValue.ParseInt("10", 1, 10), Is.EqualTo(10));
        Assert.Throws<FormatException>(() => ConfigValue.ParseInt("11", 1, 10));
        Assert.Throws<FormatException>(() => ConfigValue.ParseInt("0", 1, 10));
    }

    [Test]
    public void ParseList_SpacesAndEmptyItems_AreDropped() =>
        Assert.That(ConfigValue.ParseList(" a, b ,,c "), Is.EqualTo(new[] { "a", "b", "c" }));

    [Test]
    public void ParseFileMode_Octal_IsRead() => Assert.That((int)ConfigValue.ParseFileMode("0640"), Is.EqualTo(Convert.ToInt32("640", 8)));
}
