namespace Milter.Authentication.Tests.Dkim;

/// <summary>A clock that moves only when told, for x= expiry and key-cache TTLs.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
