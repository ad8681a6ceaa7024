namespace Milter.Reporting.Aggregate;

/// <summary>One <c>auth_results/dkim</c> element: a DKIM signature and its verification result (RFC 9990 section 3.1.3).</summary>
/// <param name="Domain">The signature's <c>d=</c>.</param>
/// <param name="Selector">The signature's <c>s=</c>, or null when the report leaves it out.</param>
/// <param name="Result">none, pass, fail, policy, neutral, temperror or permerror.</param>
public sealed record DkimAuthResult(string Domain, string? Selector, string Result)
{
    /// <summary>Free text about the result (<c>human_result</c>), or null.</summary>
    public string? HumanResult { get; init; }
}
