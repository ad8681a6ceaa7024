namespace Milter.Authentication.Results;

/// <summary>One <c>method=result</c> entry of an Authentication-Results header (RFC 8601 section 2.2).</summary>
/// <param name="Method">The method, e.g. <c>spf</c>, <c>dkim</c>, <c>dmarc</c>.</param>
/// <param name="Result">The result keyword, e.g. <c>pass</c>.</param>
/// <param name="Comment">An optional comment written after the result in parentheses.</param>
/// <param name="Properties">The <c>ptype.property=value</c> pairs, e.g. (<c>smtp.mailfrom</c>, <c>example.net</c>).</param>
/// <param name="Reason">An optional <c>reason=</c> value (RFC 8601 section 2.2), for consumers that read it rather than comments.</param>
public sealed record AuthenticationMethodResult(
    string Method,
    string Result,
    string? Comment,
    IReadOnlyList<KeyValuePair<string, string>> Properties,
    string? Reason = null);
