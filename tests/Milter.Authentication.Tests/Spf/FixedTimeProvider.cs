namespace Milter.Authentication.Tests.Spf;

/// <summary>A clock stopped at one instant, for the <c>%{t}</c> macro.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
