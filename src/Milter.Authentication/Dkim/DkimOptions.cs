namespace Milter.Authentication.Dkim;

/// <summary>
/// Limits and settings of DKIM verification. <see cref="DkimChecker"/> and <see cref="DnsDkimPublicKeyLocator"/>
/// read them once, when created; later changes do not apply to them.
/// </summary>
public sealed class DkimOptions
{
    /// <summary>The lowest value <see cref="MinimumRsaKeyBits"/> accepts: RFC 8301 section 3.2 forbids shorter keys.</summary>
    public const int Rfc8301MinimumRsaKeyBits = 1024;

    private int _maxSignatures = 10;
    private int _minimumRsaKeyBits = Rfc8301MinimumRsaKeyBits;
    private int _keyCacheSize = 1024;
    private TimeSpan _keyCacheMaxTtl = TimeSpan.FromMinutes(5);
    private TimeSpan _clockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many DKIM-Signature fields of one message are evaluated, from the top. Each costs a DNS query and a
    /// body hash, and the sender chooses how many there are; the further ones are reported as
    /// <see cref="DkimResult.Policy"/> ("not evaluated") without work. Defaults to 10.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxSignatures
    {
        get => _maxSignatures;
        set => _maxSignatures = NotNegative(value);
    }

    /// <summary>
    /// The shortest RSA key, in bits, whose signatures are evaluated; a shorter key gives
    /// <see cref="DkimResult.Policy"/>. Defaults to 1,024, the RFC 8301 section 3.2 minimum.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is under <see cref="Rfc8301MinimumRsaKeyBits"/>.</exception>
    public int MinimumRsaKeyBits
    {
        get => _minimumRsaKeyBits;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, Rfc8301MinimumRsaKeyBits);
            _minimumRsaKeyBits = value;
        }
    }

    /// <summary>
    /// Whether rsa-sha1 signatures are evaluated. RFC 8301 section 3.1 says verifiers must not consider them valid,
    /// so by default they give <see cref="DkimResult.Policy"/> without a DNS query. Defaults to false.
    /// </summary>
    public bool AllowSha1 { get; set; }

    /// <summary>
    /// How many key lookups (keys, and NXDOMAIN or malformed records) are kept, by selector and domain. Senders
    /// choose the names, hence the bound; when full, expired entries go and, if none had, the cache starts over.
    /// 0 disables it. Defaults to 1,024.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int KeyCacheSize
    {
        get => _keyCacheSize;
        set => _keyCacheSize = NotNegative(value);
    }

    /// <summary>
    /// The longest time a key lookup is kept. An answer is kept for its DNS TTL up to this; answers without a TTL
    /// (errors, negative answers without SOA) are not kept. Zero disables the cache. Defaults to 5 minutes,
    /// so a rotated or revoked key is noticed soon.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan KeyCacheMaxTtl
    {
        get => _keyCacheMaxTtl;
        set => _keyCacheMaxTtl = NotNegative(value);
    }

    /// <summary>
    /// How far past its <c>x=</c> expiry a signature is still evaluated, for clocks that disagree. Only <c>x=</c>
    /// is checked against the clock: a <c>t=</c> in the future is accepted (RFC 6376 section 3.5 makes ignoring
    /// such signatures optional, and the timestamp secures nothing). Defaults to 5 minutes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ClockSkew
    {
        get => _clockSkew;
        set => _clockSkew = NotNegative(value);
    }

    private static int NotNegative(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }

    private static TimeSpan NotNegative(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        return value;
    }
}
