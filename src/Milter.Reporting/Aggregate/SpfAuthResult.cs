namespace Milter.Reporting.Aggregate;

/// <summary>One <c>auth_results/spf</c> element: the SPF check (RFC 9990 section 3.1.3).</summary>
/// <param name="Domain">The domain checked.</param>
/// <param name="Scope">mfrom or helo; null when the report leaves it out.</param>
/// <param name="Result">none, neutral, pass, fail, softfail, temperror or permerror.</param>
public sealed record SpfAuthResult(string Domain, string? Scope, string Result);
