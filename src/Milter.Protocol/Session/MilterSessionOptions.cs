using Milter.Protocol.Handling;

namespace Milter.Protocol.Session;

/// <summary>Limits and failure behaviour of one milter connection. The daemon binds them from milter.conf.</summary>
public sealed class MilterSessionOptions
{
    /// <summary>Largest packet (length prefix value) accepted; a larger one closes the connection. Defaults to 1 MiB + 64 KiB.</summary>
    public int MaxPacketLength { get; init; } = (1024 * 1024) + (64 * 1024);

    /// <summary>Most header fields kept per message; further headers are passed to the handler but not stored. Defaults to 1,000.</summary>
    public int MaxHeaders { get; init; } = 1000;

    /// <summary>What the MTA is told when a handler throws. Defaults to tempfail.</summary>
    public MilterDecision OnError { get; init; } = MilterDecision.Tempfail;

    /// <summary>How long the session waits for the next packet before closing an idle connection. Defaults to 7,210 s (Postfix's and Sendmail's longest milter timeouts plus slack).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(7210);
}
