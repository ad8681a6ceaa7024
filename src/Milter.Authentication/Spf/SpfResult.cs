namespace Milter.Authentication.Spf;

/// <summary>The result of an SPF check, as defined in RFC 7208 section 2.6.</summary>
public enum SpfResult
{
    /// <summary>No SPF record was found, or no checkable domain could be derived from the identity.</summary>
    None,
    /// <summary>The domain owner states no assertion about the client (the "?" qualifier or no match).</summary>
    Neutral,
    /// <summary>The client is authorized to send mail for the domain.</summary>
    Pass,
    /// <summary>The client is explicitly not authorized.</summary>
    Fail,
    /// <summary>The client is probably not authorized (a weak "fail").</summary>
    SoftFail,
    /// <summary>A transient error (usually DNS, or the time bound ran out); a later retry may succeed.</summary>
    TempError,
    /// <summary>The published records could not be interpreted correctly; needs a change by the domain owner.</summary>
    PermError,
}
