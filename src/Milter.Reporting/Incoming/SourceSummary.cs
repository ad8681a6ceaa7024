using System.Net;

namespace Milter.Reporting.Incoming;

/// <summary>One sending IP in a <see cref="DomainSummary"/>.</summary>
/// <param name="Address">The source IP.</param>
/// <param name="Messages">Messages from it.</param>
/// <param name="Compliant">Of those, messages that passed DMARC.</param>
public sealed record SourceSummary(IPAddress Address, long Messages, long Compliant)
{
    /// <summary>Messages from it that failed DMARC.</summary>
    public long Failed => Messages - Compliant;
}
