using Milter.Authentication.Dmarc;

namespace Milter.Authentication.Tests.Dmarc;

public class DmarcOptionsTests
{
    [Test]
    public void Constructor_Defaults_AreRfc9989TreeWalkAndDebianList()
    {
        var options = new DmarcOptions();

        Assert.That((options.Discovery, options.PublicSuffixListPath, options.MaxTreeWalkLookups),
            Is.EqualTo((DmarcDiscoveryMode.TreeWalk, "/usr/share/publicsuffix/public_suffix_list.dat", 8)));
    }

    [TestCase(1)]
    [TestCase(127)]
    public void MaxTreeWalkLookups_AtLimits_IsAccepted(int value) =>
        Assert.That(new DmarcOptions { MaxTreeWalkLookups = value }.MaxTreeWalkLookups, Is.EqualTo(value));

    [TestCase(0)]
    [TestCase(128)]
    public void MaxTreeWalkLookups_BeyondLimits_Throws(int value) =>
        Assert.That(() => new DmarcOptions { MaxTreeWalkLookups = value }, Throws.TypeOf<ArgumentOutOfRangeException>());

    [TestCase("")]
    [TestCase(" ")]
    public void PublicSuffixListPath_Blank_Throws(string value) =>
        Assert.That(() => new DmarcOptions { PublicSuffixListPath = value }, Throws.ArgumentException);

    [Test]
    public void Discovery_Undefined_Throws() =>
        Assert.That(() => new DmarcOptions { Discovery = (DmarcDiscoveryMode)7 }, Throws.TypeOf<ArgumentOutOfRangeException>());
}
