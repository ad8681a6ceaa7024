namespace Milter.Reporting.Incoming;

/// <summary>One UTC day in a <see cref="DomainSummary"/>: how many reported messages passed and failed DMARC.</summary>
/// <param name="Day">The day.</param>
/// <param name="Passed">Messages that passed.</param>
/// <param name="Failed">Messages that failed.</param>
public sealed record DaySummary(DateOnly Day, long Passed, long Failed);
