using Milter.TestKit;
using Milter.Reporting.Failure;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Failure;

public class FailureReportRateLimiterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void TryAcquire_AtLimit_RefusesAndOtherDomainsAreApart()
    {
        var limiter = new FailureReportRateLimiter(3, new ManualTimeProvider(Start));

        var taken = Enumerable.Range(0, 4).Select(_ => limiter.TryAcquire("example.com")).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(taken, Is.EqualTo(new[] { true, true, true, false }));
            Assert.That(limiter.TryAcquire("EXAMPLE.com"), Is.False, "domains compare case-insensitively");
            Assert.That(limiter.TryAcquire("example.net"), Is.True);
        });
    }

    [Test]
    public void TryAcquire_RollingHour_FreesEachSlotAnHourAfterItWasTaken()
    {
        var clock = new ManualTimeProvider(Start);
        var limiter = new FailureReportRateLimiter(2, clock);
        limiter.TryAcquire("example.com");
        clock.Advance(TimeSpan.FromMinutes(30));
        limiter.TryAcquire("example.com");

        clock.Advance(TimeSpan.FromMinutes(29));
        var before = limiter.TryAcquire("example.com");
        clock.Advance(TimeSpan.FromMinutes(1));
        var afterFirst = limiter.TryAcquire("example.com");
        var again = limiter.TryAcquire("example.com");

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.False, "59 minutes after the first report");
            Assert.That(afterFirst, Is.True, "60 minutes after the first report");
            Assert.That(again, Is.False, "the second report is still within its hour");
        });
    }

    [Test]
    public void TryAcquire_ZeroRate_RefusesAll()
    {
        var limiter = new FailureReportRateLimiter(0, new ManualTimeProvider(Start));

        Assert.That(limiter.TryAcquire("example.com"), Is.False);
    }

    [Test]
    public void TryAcquire_TableFull_RefusesNewDomainsUntilOldOnesExpire()
    {
        var clock = new ManualTimeProvider(Start);
        var limiter = new FailureReportRateLimiter(1, clock, maxDomains: 2);
        limiter.TryAcquire("a.example");
        limiter.TryAcquire("b.example");

        var whileFull = limiter.TryAcquire("c.example");
        clock.Advance(TimeSpan.FromHours(1));
        var afterExpiry = limiter.TryAcquire("c.example");

        Assert.Multiple(() =>
        {
            Assert.That(whileFull, Is.False);
            Assert.That(afterExpiry, Is.True);
            Assert.That(limiter.TrackedDomains, Is.EqualTo(1), "expired domains are forgotten");
        });
    }

    [Test]
    public void TryAcquire_TableFullAndSweptRecently_DoesNotSweepAgainWithinAMinute()
    {
        var clock = new ManualTimeProvider(Start);
        var limiter = new FailureReportRateLimiter(1, clock, maxDomains: 2);
        limiter.TryAcquire("a.example");
        clock.Advance(TimeSpan.FromMinutes(30));
        limiter.TryAcquire("b.example");
        clock.Advance(TimeSpan.FromMinutes(29.5));
        limiter.TryAcquire("c.example"); // sweeps: nothing expired yet

        clock.Advance(TimeSpan.FromSeconds(45)); // a.example expired, but the last sweep was 45 s ago
        var soon = limiter.TryAcquire("d.example");
        clock.Advance(TimeSpan.FromSeconds(15));
        var later = limiter.TryAcquire("d.example");

        Assert.Multiple(() =>
        {
            Assert.That(soon, Is.False);
            Assert.That(later, Is.True);
        });
    }

    [Test]
    public void Constructor_BadArguments_Throw()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new FailureReportRateLimiter(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new FailureReportRateLimiter(1, maxDomains: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
