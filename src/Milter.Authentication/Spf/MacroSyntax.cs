namespace Milter.Authentication.Spf;

/// <summary>Where a macro-string appears, which decides what it may contain (RFC 7208 section 7.1).</summary>
internal enum MacroSyntax
{
    /// <summary>A term argument: no spaces, and not the c, r, t letters.</summary>
    Term,
    /// <summary>Explanation text fetched by <c>exp=</c>: spaces and all letters allowed.</summary>
    Explanation,
}
