using Milter.Protocol.Handling;

namespace Milter.Protocol.Session;

/// <summary>Limits and failure behaviour of one milter connection. The daemon binds them from milter.conf.</summary>
public sealed class MilterSessionOptions
{
    /// <summary>Smallest packet limit: a libmilter default body chunk (65,535 bytes) plus its command byte.</summary>
    public const int MinPacketLength = 64 * 1024;

    private readonly int _maxPacketLength = (1024 * 1024) + (64 * 1024);
    private readonly int _maxHeaders = 1000;
    private readonly MilterDecision _onError = MilterDecision.Tempfail;
    private readonly TimeSpan _idleTimeout = TimeSpan.FromSeconds(7210);

    /// <summary>
    /// Largest packet (length prefix value) accepted; a larger one closes the connection without being read.
    /// Defaults to 1 MiB + 64 KiB, which fits SMFIP_MDS_1M body chunks; at least <see cref="MinPacketLength"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below <see cref="MinPacketLength"/>.</exception>
    public int MaxPacketLength
    {
        get => _maxPacketLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, MinPacketLength);
            _maxPacketLength = value;
        }
    }

    /// <summary>Most header fields kept per message; further headers are passed to the handler but not stored. Defaults to 1,000.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxHeaders
    {
        get => _maxHeaders;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxHeaders = value;
        }
    }

    /// <summary>What the MTA is told when a handler throws. Defaults to tempfail.</summary>
    /// <exception cref="ArgumentException">The value is <see cref="MilterDecision.Skip"/>, which is no verdict.</exception>
    public MilterDecision OnError
    {
        get => _onError;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Kind == MilterDecisionKind.Skip)
            {
                throw new ArgumentException("Skip is not a failure action.", nameof(value));
            }

            _onError = value;
        }
    }

    /// <summary>
    /// How long the session waits for the next packet before closing an idle connection. Defaults to 7,210 s
    /// (Postfix's and Sendmail's longest milter timeouts plus slack); <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive (and not infinite) or exceeds <see cref="int.MaxValue"/> milliseconds.</exception>
    public TimeSpan IdleTimeout
    {
        get => _idleTimeout;
        init
        {
            if (value != Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The idle timeout must be positive or infinite.");
            }

            _idleTimeout = value;
        }
    }
}
