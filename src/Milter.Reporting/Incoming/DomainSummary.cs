namespace Milter.Reporting.Incoming;

/// <summary>
/// What the aggregate reports others sent us say about one of our domains over a time span: the summary
/// <c>authmilter report summary</c> prints and the dashboard shows. Counts are messages (the sum of record counts).
/// </summary>
/// <param name="Domain">The policy domain reported on.</param>
/// <param name="From">Start of the span summarized.</param>
/// <param name="To">End of the span summarized.</param>
public sealed record DomainSummary(string Domain, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>All messages reported.</summary>
    public long Messages { get; init; }

    /// <summary>Messages that passed DMARC (aligned DKIM or SPF pass).</summary>
    public long Compliant { get; init; }

    /// <summary>Messages the reporters quarantined.</summary>
    public long Quarantined { get; init; }

    /// <summary>Messages the reporters rejected.</summary>
    public long Rejected { get; init; }

    /// <summary>Messages whose aligned SPF result (<c>policy_evaluated/spf</c>) was pass.</summary>
    public long SpfPass { get; init; }

    /// <summary>Messages whose aligned SPF result was fail.</summary>
    public long SpfFail { get; init; }

    /// <summary>Messages whose aligned DKIM result (<c>policy_evaluated/dkim</c>) was pass.</summary>
    public long DkimPass { get; init; }

    /// <summary>Messages whose aligned DKIM result was fail.</summary>
    public long DkimFail { get; init; }

    /// <summary>Every source IP seen, most messages first.</summary>
    public IReadOnlyList<SourceSummary> Sources { get; init; } = [];

    /// <summary>Every reporter, most messages first.</summary>
    public IReadOnlyList<ReporterSummary> Reporters { get; init; } = [];

    /// <summary>Pass and fail per UTC day of the reports' periods (a report is counted on the day its period begins), oldest first.</summary>
    public IReadOnlyList<DaySummary> Days { get; init; } = [];

    /// <summary>The reports summarized, oldest first.</summary>
    public IReadOnlyList<ReportListing> Reports { get; init; } = [];
}
