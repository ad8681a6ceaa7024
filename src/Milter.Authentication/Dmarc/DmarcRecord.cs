using System.Diagnostics.CodeAnalysis;

namespace Milter.Authentication.Dmarc;

/// <summary>
/// A parsed DMARC policy record (RFC 9989 section 4.7; RFC 7489 section 6.3 records are read too). Tag values with a
/// syntax error take their default (section 4.8); an invalid <c>p</c>, <c>sp</c> or <c>np</c> is recorded in
/// <see cref="PolicyProblem"/> and handled as section 4.10.1 says (see <see cref="IsUsable"/>).
/// </summary>
/// <param name="Text">The record as published (character-strings joined).</param>
public sealed record DmarcRecord(string Text)
{
    /// <summary>
    /// The <c>p</c> tag. <see cref="DmarcPolicy.None"/> when <see cref="PolicyProblem"/> is set: section 4.10.1 has the
    /// receiver act as if the record said <c>p=none</c> (when it has a valid <c>rua</c>).
    /// </summary>
    public DmarcPolicy Policy { get; init; }

    /// <summary>The <c>sp</c> tag, or null when absent (then <see cref="Policy"/> applies to subdomains).</summary>
    public DmarcPolicy? SubdomainPolicy { get; init; }

    /// <summary>The <c>np</c> tag, or null when absent (then <see cref="SubdomainPolicy"/>, then <see cref="Policy"/> applies).</summary>
    public DmarcPolicy? NonExistentSubdomainPolicy { get; init; }

    /// <summary>The <c>adkim</c> tag; defaults to relaxed.</summary>
    public DmarcAlignmentMode DkimAlignment { get; init; }

    /// <summary>The <c>aspf</c> tag; defaults to relaxed.</summary>
    public DmarcAlignmentMode SpfAlignment { get; init; }

    /// <summary>The <c>psd</c> tag; defaults to <see cref="DmarcPsd.Unspecified"/>.</summary>
    public DmarcPsd Psd { get; init; }

    /// <summary>The <c>t</c> tag: true for <c>t=y</c>. Defaults to false.</summary>
    public bool Testing { get; init; }

    /// <summary>
    /// The RFC 7489 <c>pct</c> tag (0 to 100), or null when absent or invalid. RFC 9989 removed it (appendix A.6):
    /// 0 is read as testing mode (<see cref="IsTestingMode"/>); any other value applies the policy to every failing
    /// message, as <c>pct=100</c> does, because sampling was never applied consistently and <c>t</c> replaced it.
    /// </summary>
    public int? Percentage { get; init; }

    /// <summary>The <c>rua</c> URIs that parsed; empty when the tag is absent or none parsed.</summary>
    public IReadOnlyList<DmarcReportUri> AggregateReportUris { get; init; } = [];

    /// <summary>The <c>ruf</c> URIs that parsed; empty when the tag is absent or none parsed.</summary>
    public IReadOnlyList<DmarcReportUri> FailureReportUris { get; init; } = [];

    /// <summary>The <c>fo</c> tag, lower-cased (e.g. <c>0</c>, <c>1:d</c>); defaults to <c>0</c>, also when invalid.</summary>
    public string FailureReportingOptions { get; init; } = "0";

    /// <summary>The RFC 7489 <c>rf</c> tag (removed by RFC 9989); defaults to <c>afrf</c>.</summary>
    public string ReportFormat { get; init; } = "afrf";

    /// <summary>The RFC 7489 <c>ri</c> tag in seconds (removed by RFC 9989); defaults to 86,400, also when invalid.</summary>
    public uint ReportInterval { get; init; } = 86_400;

    /// <summary>
    /// Why <c>p</c>, <c>sp</c> or <c>np</c> is unusable (absent or not none/quarantine/reject), or null when they are
    /// fine. Then all three read as <c>none</c>.
    /// </summary>
    public string? PolicyProblem { get; init; }

    /// <summary>
    /// Whether DMARC applies with this record. RFC 9989 section 4.10.1: a record without a valid <c>p</c>, or with an
    /// invalid <c>sp</c> or <c>np</c>, counts as <c>p=none</c> if its <c>rua</c> holds a valid URI; otherwise the
    /// receiver applies no DMARC processing (the evaluator's result is <see cref="DmarcResult.None"/>).
    /// </summary>
    public bool IsUsable => PolicyProblem is null || AggregateReportUris.Count > 0;

    /// <summary>Whether the Domain Owner asks for testing mode: <c>t=y</c>, or <c>pct=0</c> from an RFC 7489 record (RFC 9989 appendix A.6).</summary>
    public bool IsTestingMode => Testing || Percentage == 0;

    /// <summary>
    /// Parses <paramref name="text"/> as a DMARC record. False when it is not one: <c>v=DMARC1</c> (case-sensitive)
    /// must be its first tag (RFC 9989 section 4.7, tag <c>v</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static bool TryParse(string text, [NotNullWhen(true)] out DmarcRecord? record)
    {
        ArgumentNullException.ThrowIfNull(text);
        record = DmarcRecordParser.Parse(text);
        return record is not null;
    }
}
