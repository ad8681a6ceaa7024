namespace Milter.Authentication.Dmarc;

/// <summary>
/// A Domain Owner Assessment Policy (the values of the <c>p</c>, <c>sp</c> and <c>np</c> tags, RFC 9989 section 4.7),
/// and also the disposition a receiver applies. Ordered from the mildest to the strictest.
/// </summary>
public enum DmarcPolicy
{
    /// <summary><c>none</c>: no preference; deliver as usual.</summary>
    None,
    /// <summary><c>quarantine</c>: treat failing mail as suspicious (spam folder, hold queue).</summary>
    Quarantine,
    /// <summary><c>reject</c>: failing mail is not a valid use of the domain.</summary>
    Reject,
}
