using Milter.Protocol.Handling;
using Milter.Protocol.Session;

namespace Milter.Protocol.Tests.Session;

public class MilterSessionOptionsTests
{
    [Test]
    public void Defaults_AreDocumentedValues()
    {
        var options = new MilterSessionOptions();

        Assert.That(options.MaxPacketLength, Is.EqualTo((1024 * 1024) + (64 * 1024)));
        Assert.That(options.MaxHeaders, Is.EqualTo(1000));
        Assert.That(options.OnError, Is.SameAs(MilterDecision.Tempfail));
        Assert.That(options.IdleTimeout, Is.EqualTo(TimeSpan.FromSeconds(7210)));
    }

    [Test]
    public void MaxPacketLength_AtAndBelowMinimum_AcceptsAndRejects()
    {
        Assert.That(new MilterSessionOptions { MaxPacketLength = MilterSessionOptions.MinPacketLength }.MaxPacketLength, Is.EqualTo(65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MilterSessionOptions { MaxPacketLength = MilterSessionOptions.MinPacketLength - 1 });
    }

    [Test]
    public void MaxHeaders_ZeroAndNegative_AcceptsAndRejects()
    {
        Assert.That(new MilterSessionOptions { MaxHeaders = 0 }.MaxHeaders, Is.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MilterSessionOptions { MaxHeaders = -1 });
    }

    [Test]
    public void OnError_Skip_Throws()
    {
        Assert.Throws<ArgumentException>(() => _ = new MilterSessionOptions { OnError = MilterDecision.Skip });
    }

    [Test]
    public void IdleTimeout_InfiniteAndNonPositive_AcceptsAndRejects()
    {
        Assert.That(new MilterSessionOptions { IdleTimeout = Timeout.InfiniteTimeSpan }.IdleTimeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MilterSessionOptions { IdleTimeout = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MilterSessionOptions { IdleTimeout = TimeSpan.FromDays(30) });
    }
}
