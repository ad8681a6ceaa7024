using Milter.Authentication.Dkim;

namespace Milter.Authentication.Arc;

/// <summary>Limits and policy of ARC validation. <see cref="ArcChecker"/> reads them once, when created.</summary>
public sealed class ArcOptions
{
    /// <summary>The most ARC sets a message may carry: RFC 8617 section 4.2.1 limits <c>i=</c> to 1..50.</summary>
    public const int Rfc8617MaxInstances = 50;

    private int _maxInstances = Rfc8617MaxInstances;
    private int _maxSignatures = 20;
    private int _minimumRsaKeyBits = DkimOptions.Rfc8301MinimumRsaKeyBits;

    /// <summary>
    /// The longest chain validated. A longer one is <see cref="ArcChainResult.Fail"/> without any signature being
    /// verified (RFC 8617 section 5.2 step 1 does so past 50). Defaults to 50, the RFC 8617 maximum.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is under 1 or over <see cref="Rfc8617MaxInstances"/>.</exception>
    public int MaxInstances
    {
        get => _maxInstances;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Rfc8617MaxInstances);
            _maxInstances = value;
        }
    }

    /// <summary>
    /// How many signatures (ARC-Seals and ARC-Message-Signatures) one message may cost; each is a key lookup and a
    /// hash, an ARC-Message-Signature a hash of the whole body, and the sender chooses how many there are. A chain
    /// of N sets needs N + 1 to be validated; one that needs more is <see cref="ArcChainResult.Fail"/> without any
    /// being verified. What is left after a pass is spent looking for <see cref="ArcResult.OldestPass"/>.
    /// Defaults to 20: chains of up to 19 sets are validated, and their oldest pass found up to about 10 sets.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is under 2 (one seal and one message signature).</exception>
    public int MaxSignatures
    {
        get => _maxSignatures;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 2);
            _maxSignatures = value;
        }
    }

    /// <summary>
    /// The shortest RSA key, in bits, whose ARC signatures can verify; a signature with a shorter key fails.
    /// rsa-sha1 signatures always fail (RFC 8301 section 3.1). Defaults to 1,024, the RFC 8301 section 3.2 minimum.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is under <see cref="DkimOptions.Rfc8301MinimumRsaKeyBits"/>.</exception>
    public int MinimumRsaKeyBits
    {
        get => _minimumRsaKeyBits;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, DkimOptions.Rfc8301MinimumRsaKeyBits);
            _minimumRsaKeyBits = value;
        }
    }
}
