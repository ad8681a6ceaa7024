using Milter.Authentication.Arc;
using Milter.Authentication.Dkim;
using Milter.Authentication.Iprev;

namespace Milter.Daemon.Filtering;

/// <summary>The checks the daemon runs, shared by all connections; a null member is switched off in milter.conf.</summary>
/// <param name="Spf">SPF with its policy; null with <c>SpfMode off</c>.</param>
/// <param name="Dkim">DKIM verification; null with <c>DkimVerify no</c>.</param>
/// <param name="Dmarc">DMARC with its enforcement; null with <c>DmarcMode off</c>.</param>
/// <param name="Iprev">The reverse-DNS check; null with <c>IprevCheck no</c>.</param>
/// <param name="Arc">ARC chain validation; null with <c>ArcVerify no</c>.</param>
internal sealed record AuthenticationChecks(SpfPolicy? Spf, DkimChecker? Dkim, DmarcEnforcer? Dmarc, IprevChecker? Iprev, ArcChecker? Arc);
