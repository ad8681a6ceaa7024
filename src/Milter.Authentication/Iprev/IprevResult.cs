namespace Milter.Authentication.Iprev;

/// <summary>The iprev result keywords of RFC 8601 section 2.7.3.</summary>
public enum IprevResult
{
    /// <summary>A PTR name of the client resolves back to the client's address.</summary>
    Pass,

    /// <summary>The address has no PTR name, or none of its names resolves back to it.</summary>
    Fail,

    /// <summary>A DNS lookup failed transiently; a later retry may succeed.</summary>
    TempError,

    /// <summary>A lookup failed permanently (e.g. a malformed name in the answer).</summary>
    PermError,
}
