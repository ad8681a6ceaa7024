namespace Milter.Authentication.Dmarc;

/// <summary>The DMARC result names of RFC 9989 section 9.2, as written after <c>dmarc=</c> in Authentication-Results.</summary>
public enum DmarcResult
{
    /// <summary>No DMARC policy record applies to the Author Domain (or the record found asks for no DMARC processing).</summary>
    None,
    /// <summary>An SPF- or DKIM-authenticated identifier is aligned with the Author Domain.</summary>
    Pass,
    /// <summary>A policy record applies and no authenticated identifier is aligned.</summary>
    Fail,
    /// <summary>A DNS lookup needed for the result failed temporarily; no policy may be applied, a retry may succeed.</summary>
    TempError,
    /// <summary>The Author Domain could not be determined or is unusable, or a lookup failed permanently.</summary>
    PermError,
}
