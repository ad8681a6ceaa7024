namespace Milter.Reporting.Incoming;

/// <summary>One report in a <see cref="DomainSummary"/>.</summary>
/// <param name="OrgName">The reporter.</param>
/// <param name="ReportId">Its report id.</param>
/// <param name="Begin">Start of its period.</param>
/// <param name="End">End of its period.</param>
/// <param name="Messages">Messages it covers.</param>
public sealed record ReportListing(string OrgName, string ReportId, DateTimeOffset Begin, DateTimeOffset End, long Messages);
