namespace Milter.Reporting.Aggregate;

/// <summary>
/// The <c>policy_published</c> element (RFC 9990 section 3.1.2): the DMARC record the reporter applied, as keywords
/// (lower-case, as published). A member is null when the report leaves it out.
/// </summary>
/// <param name="Domain">The domain whose DMARC record was applied.</param>
public sealed record PolicyPublished(string Domain)
{
    /// <summary><c>p</c>: none, quarantine or reject.</summary>
    public string? P { get; init; }

    /// <summary><c>sp</c>.</summary>
    public string? Sp { get; init; }

    /// <summary><c>np</c> (RFC 9990).</summary>
    public string? Np { get; init; }

    /// <summary><c>adkim</c>: r or s.</summary>
    public string? Adkim { get; init; }

    /// <summary><c>aspf</c>: r or s.</summary>
    public string? Aspf { get; init; }

    /// <summary><c>fo</c>.</summary>
    public string? Fo { get; init; }

    /// <summary><c>testing</c> (RFC 9990): y or n.</summary>
    public string? Testing { get; init; }

    /// <summary><c>discovery_method</c> (RFC 9990): psl or treewalk.</summary>
    public string? DiscoveryMethod { get; init; }

    /// <summary><c>pct</c> (RFC 7489 reports only).</summary>
    public int? Pct { get; init; }
}
