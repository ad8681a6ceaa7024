using Milter.Authentication.Arc;

namespace Milter.Authentication.Tests.Arc;

public class ArcOptionsTests
{
    [Test]
    public void Constructor_Defaults_AsDocumented()
    {
        var options = new ArcOptions();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.MaxInstances, Is.EqualTo(50));
            Assert.That(options.MaxSignatures, Is.EqualTo(20));
            Assert.That(options.MinimumRsaKeyBits, Is.EqualTo(1024));
        }
    }

    [Test]
    public void MaxInstances_Limits_InsideAcceptedOutsideRejected()
    {
        var options = new ArcOptions { MaxInstances = 1 };
        options.MaxInstances = 50;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => options.MaxInstances = 0, Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => options.MaxInstances = 51, Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(options.MaxInstances, Is.EqualTo(50));
        }
    }

    [Test]
    public void MaxSignatures_TwoAndOne_AcceptedThenRejected()
    {
        var options = new ArcOptions { MaxSignatures = 2 };

        Assert.That(() => options.MaxSignatures = 1, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(options.MaxSignatures, Is.EqualTo(2));
    }

    [Test]
    public void MinimumRsaKeyBits_Rfc8301MinimumAndUnder_AcceptedThenRejected()
    {
        var options = new ArcOptions { MinimumRsaKeyBits = 1024 };

        Assert.That(() => options.MinimumRsaKeyBits = 1023, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(options.MinimumRsaKeyBits, Is.EqualTo(1024));
    }
}
