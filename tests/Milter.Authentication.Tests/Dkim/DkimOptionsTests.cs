using Milter.Authentication.Dkim;

namespace Milter.Authentication.Tests.Dkim;

public class DkimOptionsTests
{
    [Test]
    public void Constructor_Defaults_AsDocumented()
    {
        var options = new DkimOptions();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.MaxSignatures, Is.EqualTo(10));
            Assert.That(options.MinimumRsaKeyBits, Is.EqualTo(1024));
            Assert.That(options.AllowSha1, Is.False);
            Assert.That(options.KeyCacheSize, Is.EqualTo(1024));
            Assert.That(options.KeyCacheMaxTtl, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(options.ClockSkew, Is.EqualTo(TimeSpan.FromMinutes(5)));
        }
    }

    [Test]
    public void MinimumRsaKeyBits_Rfc8301MinimumAndUnder_AcceptedThenRejected()
    {
        var options = new DkimOptions { MinimumRsaKeyBits = 1024 };

        Assert.That(() => options.MinimumRsaKeyBits = 1023, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(options.MinimumRsaKeyBits, Is.EqualTo(1024));
    }

    [Test]
    public void Setters_ZeroAndNegative_ZeroAcceptedNegativeRejected()
    {
        var options = new DkimOptions { MaxSignatures = 0, KeyCacheSize = 0, KeyCacheMaxTtl = TimeSpan.Zero, ClockSkew = TimeSpan.Zero };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => options.MaxSignatures = -1, Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => options.KeyCacheSize = -1, Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => options.KeyCacheMaxTtl = TimeSpan.FromTicks(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => options.ClockSkew = TimeSpan.FromTicks(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
        }
    }
}
