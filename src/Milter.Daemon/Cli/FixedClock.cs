namespace Milter.Daemon.Cli;

/// <summary>A clock stopped at one instant, for <c>authmilter verify --now</c>: an old message is judged as on its arrival.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
