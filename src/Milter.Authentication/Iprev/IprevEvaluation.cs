using System.Net;

namespace Milter.Authentication.Iprev;

/// <summary>The reverse-DNS check of one client address.</summary>
/// <param name="Result">The result.</param>
/// <param name="Address">The client address checked (<c>policy.iprev</c>).</param>
/// <param name="Name">For pass, the PTR name that resolved back to the address; otherwise null.</param>
/// <param name="Reason">For other results, why (for the Authentication-Results comment and the logs).</param>
public sealed record IprevEvaluation(IprevResult Result, IPAddress Address, string? Name, string? Reason);
