using System.Net;

namespace Milter.Authentication.Spf;

/// <summary>One parsed directive: qualifier, mechanism and its arguments.</summary>
internal sealed class SpfMechanism
{
    /// <summary>The result if the mechanism matches.</summary>
    public required SpfResult Qualifier { get; init; }

    public required SpfMechanismKind Kind { get; init; }

    /// <summary>The term as published, for traces and the Received-SPF <c>mechanism</c> key.</summary>
    public required string Text { get; init; }

    /// <summary>The domain-spec, or null to use the current &lt;domain&gt;.</summary>
    public MacroString? DomainSpec { get; init; }

    /// <summary>The network of ip4/ip6.</summary>
    public IPAddress? Network { get; init; }

    public int Ip4Prefix { get; init; } = 32;

    public int Ip6Prefix { get; init; } = 128;

    /// <summary>Whether evaluating the mechanism counts against the 10 DNS-querying terms (RFC 7208 section 4.6.4).</summary>
    public bool QueriesDns => Kind is SpfMechanismKind.Include or SpfMechanismKind.A or SpfMechanismKind.Mx
        or SpfMechanismKind.Ptr or SpfMechanismKind.Exists;
}
