namespace Milter.Authentication.Spf;

/// <summary>Domain name checks of RFC 7208: the check_host() &lt;domain&gt; (4.3), target names (4.8, 7.3) and domain-spec syntax (7.1).</summary>
internal static class SpfDomainName
{
    private const int MaxNameLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>
    /// The &lt;domain&gt; without its trailing dot, or null when RFC 7208 section 4.3 makes the result "none":
    /// a domain literal, a single label, an empty or over-long label, or an all-numeric top label (an IP address).
    /// </summary>
    public static string? ToCheckedDomain(string domain)
    {
        if (domain.StartsWith('['))
        {
            return null;
        }

        var name = domain.EndsWith('.') ? domain[..^1] : domain;
        var lastDot = name.LastIndexOf('.');
        if (name.Length > MaxNameLength || lastDot < 0 || !HasValidLabels(name))
        {
            return null;
        }

        foreach (var c in name.AsSpan(lastDot + 1))
        {
            if (!char.IsAsciiDigit(c))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>
    /// The name to query for an expanded domain-spec: trailing dot removed, left labels dropped past 253 characters
    /// (section 7.3); null when it cannot be a DNS name, which the mechanisms treat as a name that does not exist.
    /// </summary>
    public static string? ToTargetName(string expanded)
    {
        var name = expanded.EndsWith('.') ? expanded[..^1] : expanded;
        while (name.Length > MaxNameLength)
        {
            var dot = name.IndexOf('.');
            if (dot < 0)
            {
                return null;
            }

            name = name[(dot + 1)..];
        }

        return HasValidLabels(name) ? name : null;
    }

    /// <summary>
    /// Whether a parsed macro-string is a domain-spec: <c>macro-string domain-end</c>, where domain-end is
    /// a macro-expand or <c>"." toplabel ["."]</c> (RFC 7208 section 7.1).
    /// </summary>
    public static bool IsDomainSpec(MacroString spec)
    {
        var text = spec.Text;
        if (text.Length == 0)
        {
            return false;
        }

        if (spec.EndsWithExpand)
        {
            return true;
        }

        var end = text.EndsWith('.') ? text.Length - 1 : text.Length;
        var dot = end == 0 ? -1 : text.LastIndexOf('.', end - 1);
        return dot >= 0 && IsTopLabel(text.AsSpan(dot + 1, end - dot - 1));
    }

    /// <summary>Whether <paramref name="name"/> ends with <paramref name="suffix"/> at a label boundary, ignoring case.</summary>
    public static bool IsSameOrSubdomain(string name, string suffix) =>
        name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
        && (name.Length == suffix.Length || name[name.Length - suffix.Length - 1] == '.');

    // toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
    private static bool IsTopLabel(ReadOnlySpan<char> label)
    {
        if (label.Length == 0 || !char.IsAsciiLetterOrDigit(label[0]) || !char.IsAsciiLetterOrDigit(label[^1]))
        {
            return false;
        }

        var allDigits = true;
        foreach (var c in label)
        {
            if (c != '-' && !char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }

            allDigits &= char.IsAsciiDigit(c);
        }

        return !allDigits;
    }

    private static bool HasValidLabels(string name)
    {
        var start = 0;
        while (true)
        {
            var dot = name.IndexOf('.', start);
            var length = (dot < 0 ? name.Length : dot) - start;
            if (length is 0 or > MaxLabelLength)
            {
                return false;
            }

            if (dot < 0)
            {
                return true;
            }

            start = dot + 1;
        }
    }
}
