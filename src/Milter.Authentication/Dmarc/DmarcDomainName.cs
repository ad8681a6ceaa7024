using System.Globalization;

namespace Milter.Authentication.Dmarc;

/// <summary>Domain name handling shared by extraction, the Public Suffix List and the evaluator: one normal form.</summary>
internal static class DmarcDomainName
{
    private const int MaxNameLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>
    /// The normal form of <paramref name="domain"/>: A-labels (RFC 9989 section 5.3.1 converts U-labels, RFC 5890
    /// section 2.3), lower case (RFC 4343), without a trailing dot. Null when it is not a DNS domain name: empty
    /// labels, a label over 63 octets, a name over 253, characters other than letters, digits, '-' and '_', or a
    /// U-label that does not convert.
    /// </summary>
    public static string? Normalize(string domain)
    {
        var name = domain.EndsWith('.') ? domain[..^1] : domain;
        if (name.Length == 0)
        {
            return null;
        }

        if (!name.All(char.IsAscii))
        {
            try
            {
                // Lower case first: the mapping does not fold "Ü" to "ü" under invariant globalization. A new instance
                // per call: IdnMapping's instance members are not documented as thread-safe.
                name = new IdnMapping().GetAscii(name.ToLowerInvariant());
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        name = name.ToLowerInvariant();
        if (name.Length > MaxNameLength)
        {
            return null;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > MaxLabelLength || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return null;
            }
        }

        return name;
    }

    /// <summary>The number of labels of a normalized name.</summary>
    public static int CountLabels(string name) => name.Count(c => c == '.') + 1;

    /// <summary>The right-most <paramref name="count"/> labels of a normalized name (all of it when it has no more).</summary>
    public static string RightLabels(string name, int count)
    {
        var start = name.Length;
        for (var i = 0; i < count; i++)
        {
            var dot = start == 0 ? -1 : name.LastIndexOf('.', start - 1);
            if (dot < 0)
            {
                return name;
            }

            start = dot;
        }

        return name[(start + 1)..];
    }
}
