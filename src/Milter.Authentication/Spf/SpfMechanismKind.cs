namespace Milter.Authentication.Spf;

/// <summary>The mechanisms of RFC 7208 section 5.</summary>
internal enum SpfMechanismKind
{
    All,
    Include,
    A,
    Mx,
    Ptr,
    Ip4,
    Ip6,
    Exists,
}
