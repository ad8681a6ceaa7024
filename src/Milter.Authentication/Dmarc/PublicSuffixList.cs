namespace Milter.Authentication.Dmarc;

/// <summary>
/// The Public Suffix List (publicsuffix.org format): normal rules, wildcard rules (<c>*.ck</c>) and exception rules
/// (<c>!www.ck</c>), for RFC 7489's Organizational Domain (section 3.2). Both the ICANN and the private sections are
/// used. Immutable once built, so one instance serves all threads.
/// </summary>
public sealed class PublicSuffixList
{
    /// <summary>Where the Debian and Ubuntu package <c>publicsuffix</c> installs the list.</summary>
    public const string DebianPath = "/usr/share/publicsuffix/public_suffix_list.dat";

    private readonly HashSet<string> _rules;
    private readonly HashSet<string> _wildcards; // "ck" for the rule "*.ck"
    private readonly HashSet<string> _exceptions; // "www.ck" for the rule "!www.ck"

    private PublicSuffixList(HashSet<string> rules, HashSet<string> wildcards, HashSet<string> exceptions)
    {
        _rules = rules;
        _wildcards = wildcards;
        _exceptions = exceptions;
    }

    /// <summary>The number of rules read (normal, wildcard and exception).</summary>
    public int RuleCount => _rules.Count + _wildcards.Count + _exceptions.Count;

    /// <summary>Reads the list from a file.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when it does not exist).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="InvalidDataException">The file holds no rule.</exception>
    public static PublicSuffixList Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path);
        return Parse(reader);
    }

    /// <summary>
    /// Reads the list: one rule per line, the first white-space-delimited word; lines starting with <c>//</c> are
    /// comments. Rules in U-labels are stored as A-labels, and a rule that is not a domain name is skipped.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    /// <exception cref="InvalidDataException">The text holds no rule (an empty or wrong file would make every domain its own Organizational Domain).</exception>
    public static PublicSuffixList Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rules = new HashSet<string>(StringComparer.Ordinal);
        var wildcards = new HashSet<string>(StringComparer.Ordinal);
        var exceptions = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var rule = line.Trim();
            var space = rule.IndexOfAny([' ', '\t']);
            if (space >= 0)
            {
                rule = rule[..space];
            }

            if (rule.Length == 0 || rule.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var (set, name) = rule switch
            {
                ['!', .. var rest] => (exceptions, rest),
                ['*', '.', .. var rest] => (wildcards, rest),
                _ => (rules, rule),
            };
            if (DmarcDomainName.Normalize(name) is { } normalized)
            {
                set.Add(normalized);
            }
        }

        return rules.Count + wildcards.Count + exceptions.Count == 0
            ? throw new InvalidDataException("The public suffix list holds no rule.")
            : new PublicSuffixList(rules, wildcards, exceptions);
    }

    /// <summary>
    /// The Organizational Domain of <paramref name="domain"/> (RFC 7489 section 3.2): its public suffix plus one label.
    /// A domain that is itself a public suffix is returned unchanged.
    /// </summary>
    /// <param name="domain">A domain name; it is normalized (A-labels, lower case, no trailing dot) first.</param>
    /// <exception cref="ArgumentNullException"><paramref name="domain"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="domain"/> is not a domain name.</exception>
    public string GetOrganizationalDomain(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var name = DmarcDomainName.Normalize(domain)
            ?? throw new ArgumentException($"\"{domain}\" is not a domain name.", nameof(domain));
        var suffixLabels = PublicSuffixLabels(name);
        return DmarcDomainName.RightLabels(name, suffixLabels + 1);
    }

    // publicsuffix.org algorithm: an exception rule wins and its public suffix is the rule without its left-most
    // label; otherwise the matching rule with the most labels; otherwise the implicit rule "*" (one label).
    private int PublicSuffixLabels(string name)
    {
        var labels = DmarcDomainName.CountLabels(name);
        var longest = 1;
        for (var count = labels; count >= 1; count--)
        {
            var suffix = DmarcDomainName.RightLabels(name, count);
            if (_exceptions.Contains(suffix))
            {
                return count - 1;
            }

            if (count > longest
                && (_rules.Contains(suffix) || (count > 1 && _wildcards.Contains(DmarcDomainName.RightLabels(name, count - 1)))))
            {
                longest = count;
            }
        }

        return longest;
    }
}
