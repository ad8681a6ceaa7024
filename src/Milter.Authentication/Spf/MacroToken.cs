namespace Milter.Authentication.Spf;

/// <summary>
/// One piece of a parsed macro-string: either literal text, or a <c>%{...}</c> expansion.
/// <c>%%</c>, <c>%_</c> and <c>%-</c> are stored as their literal results.
/// </summary>
/// <param name="Literal">The literal text, or null for an expansion.</param>
/// <param name="Letter">The lower-case macro letter.</param>
/// <param name="Parts">How many right-hand parts to keep; 0 keeps all.</param>
/// <param name="Reverse">Whether the parts are reversed before <paramref name="Parts"/> applies.</param>
/// <param name="Delimiters">The split characters, or null for the default ".".</param>
/// <param name="Escape">Whether the letter was upper case, which URL-escapes the result.</param>
internal readonly record struct MacroToken(string? Literal, char Letter, int Parts, bool Reverse, string? Delimiters, bool Escape)
{
    public bool IsPlain => Parts == 0 && !Reverse && Delimiters is null;
}
