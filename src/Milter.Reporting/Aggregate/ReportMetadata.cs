namespace Milter.Reporting.Aggregate;

/// <summary>The <c>report_metadata</c> element of an aggregate report (RFC 9990 section 3.1.1).</summary>
/// <param name="OrgName">The reporting organization (<c>org_name</c>).</param>
/// <param name="Email">The reporter's contact address (<c>email</c>).</param>
/// <param name="ReportId">The reporter's id of this report, unique per reporter (<c>report_id</c>).</param>
/// <param name="Begin">Start of the period (<c>date_range/begin</c>), inclusive.</param>
/// <param name="End">End of the period (<c>date_range/end</c>).</param>
public sealed record ReportMetadata(string OrgName, string Email, string ReportId, DateTimeOffset Begin, DateTimeOffset End)
{
    /// <summary>Further contact details (<c>extra_contact_info</c>), or null.</summary>
    public string? ExtraContactInfo { get; init; }

    /// <summary>Problems the reporter met while evaluating (<c>error</c> elements).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>The software that wrote the report (RFC 9990 <c>generator</c>), or null.</summary>
    public string? Generator { get; init; }
}
