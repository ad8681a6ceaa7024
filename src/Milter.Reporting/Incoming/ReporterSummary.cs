namespace Milter.Reporting.Incoming;

/// <summary>One reporting organization in a <see cref="DomainSummary"/>.</summary>
/// <param name="OrgName">The reporter's <c>org_name</c>.</param>
/// <param name="Email">The reporter's contact address.</param>
/// <param name="Reports">How many of its reports were summarized.</param>
/// <param name="Messages">Messages those reports cover.</param>
public sealed record ReporterSummary(string OrgName, string Email, int Reports, long Messages);
