namespace Milter.Authentication.Spf;

/// <summary>A parsed SPF record, or the reason it cannot be used (which makes check_host() return permerror).</summary>
internal sealed class SpfRecord
{
    private SpfRecord(string text, SpfMechanism[] mechanisms, MacroString? redirect, MacroString? explanation, string? problem)
    {
        Text = text;
        Mechanisms = mechanisms;
        Redirect = redirect;
        Explanation = explanation;
        Problem = problem;
    }

    public string Text { get; }

    public SpfMechanism[] Mechanisms { get; }

    /// <summary>The <c>redirect=</c> domain-spec.</summary>
    public MacroString? Redirect { get; }

    /// <summary>The <c>exp=</c> domain-spec.</summary>
    public MacroString? Explanation { get; }

    /// <summary>Null for a usable record; otherwise the syntax error found.</summary>
    public string? Problem { get; }

    public static SpfRecord Valid(string text, SpfMechanism[] mechanisms, MacroString? redirect, MacroString? explanation) =>
        new(text, mechanisms, redirect, explanation, null);

    public static SpfRecord Invalid(string text, string problem) => new(text, [], null, null, problem);
}
