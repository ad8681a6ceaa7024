using System.Globalization;

namespace Milter.Authentication.Dmarc;

/// <summary>The tag-value reader of RFC 9989 section 4.8 (DKIM's tag-list syntax with <c>*WSP ";" *WSP</c> separators).</summary>
internal static class DmarcRecordParser
{
    private const string Version = "DMARC1";

    /// <summary>The record, or null when <paramref name="text"/> does not start with the <c>v=DMARC1</c> tag.</summary>
    public static DmarcRecord? Parse(string text)
    {
        var tags = SplitTags(text);
        if (tags.Count == 0 || tags[0].Name != "v" || tags[0].Value != Version)
        {
            return null;
        }

        // Tag names are case-insensitive ABNF strings; a repeated tag keeps its first value, the repetition being a
        // syntax error that section 4.8 says to discard.
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in tags.Skip(1))
        {
            values.TryAdd(name, value);
        }

        string? problem = null;
        var policy = ReadPolicy(values, "p", required: true, ref problem);
        var subdomainPolicy = ReadPolicy(values, "sp", required: false, ref problem);
        var nonExistentPolicy = ReadPolicy(values, "np", required: false, ref problem);
        var record = new DmarcRecord(text)
        {
            DkimAlignment = ReadAlignment(values, "adkim"),
            SpfAlignment = ReadAlignment(values, "aspf"),
            Psd = Lower(values, "psd") switch
            {
                "y" => DmarcPsd.Yes,
                "n" => DmarcPsd.No,
                _ => DmarcPsd.Unspecified,
            },
            Testing = Lower(values, "t") == "y",
            Percentage = ReadPercentage(values),
            AggregateReportUris = ReadUris(values, "rua"),
            FailureReportUris = ReadUris(values, "ruf"),
            FailureReportingOptions = ReadFailureOptions(values),
            ReportFormat = values.TryGetValue("rf", out var rf) ? rf : "afrf",
            ReportInterval = values.TryGetValue("ri", out var ri) && IsDigits(ri)
                && uint.TryParse(ri, NumberStyles.None, CultureInfo.InvariantCulture, out var interval) ? interval : 86_400,
        };

        // Section 4.10.1: an unusable p, sp or np makes the whole record read as p=none.
        return problem is null
            ? record with { Policy = policy!.Value, SubdomainPolicy = subdomainPolicy, NonExistentSubdomainPolicy = nonExistentPolicy }
            : record with { Policy = DmarcPolicy.None, PolicyProblem = problem };
    }

    private static List<(string Name, string Value)> SplitTags(string text)
    {
        var tags = new List<(string, string)>();
        foreach (var part in text.Split(';'))
        {
            var tag = part.Trim(' ', '\t');
            if (tag.Length == 0)
            {
                continue;
            }

            var equals = tag.IndexOf('=');
            var name = equals < 0 ? tag : tag[..equals].TrimEnd(' ', '\t');
            if (equals < 1 || !name.All(char.IsAsciiLetter))
            {
                // Not a tag (section 4.8: dmarc-tag = 1*ALPHA equals 1*dmarc-value). As the first item it also
                // means "not a DMARC record", which the caller sees as a missing v tag.
                tags.Add((string.Empty, string.Empty));
                continue;
            }

            tags.Add((name.ToLowerInvariant(), tag[(equals + 1)..].TrimStart(' ', '\t')));
        }

        return tags;
    }

    private static string? Lower(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) ? value.ToLowerInvariant() : null;

    private static DmarcPolicy? ReadPolicy(Dictionary<string, string> values, string name, bool required, ref string? problem)
    {
        if (!values.TryGetValue(name, out var value))
        {
            if (required)
            {
                problem ??= "no p tag";
            }

            return null;
        }

        switch (value.ToLowerInvariant())
        {
            case "none":
                return DmarcPolicy.None;
            case "quarantine":
                return DmarcPolicy.Quarantine;
            case "reject":
                return DmarcPolicy.Reject;
            default:
                problem ??= $"invalid {name} tag \"{value}\"";
                return null;
        }
    }

    private static DmarcAlignmentMode ReadAlignment(Dictionary<string, string> values, string name) =>
        Lower(values, name) == "s" ? DmarcAlignmentMode.Strict : DmarcAlignmentMode.Relaxed;

    // RFC 7489 section 6.3: pct = 1*3DIGIT, 0 to 100.
    private static int? ReadPercentage(Dictionary<string, string> values) =>
        values.TryGetValue("pct", out var value) && value.Length is > 0 and <= 3 && IsDigits(value)
        && int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) is var percent and <= 100
            ? percent
            : null;

    // Section 4.8: dmarc-fo; each of 0, 1, d, s at most once, 0 and 1 not together. Anything else takes the default.
    private static string ReadFailureOptions(Dictionary<string, string> values)
    {
        var value = Lower(values, "fo");
        if (value is null)
        {
            return "0";
        }

        var options = value.Split(':').Select(o => o.Trim(' ', '\t')).ToArray();
        var valid = options.All(o => o is "0" or "1" or "d" or "s")
            && options.Distinct().Count() == options.Length
            && !(options.Contains("0") && options.Contains("1"));
        return valid ? string.Join(':', options) : "0";
    }

    // Section 4.8: dmarc-urilist; commas and '!' inside a URI must be percent-encoded, so a '!' starts the RFC 7489
    // size suffix. A URI that does not parse is dropped and the others kept.
    private static IReadOnlyList<DmarcReportUri> ReadUris(Dictionary<string, string> values, string name)
    {
        if (!values.TryGetValue(name, out var value))
        {
            return [];
        }

        var uris = new List<DmarcReportUri>();
        foreach (var item in value.Split(','))
        {
            var text = item.Trim(' ', '\t');
            long? size = null;
            var bang = text.IndexOf('!');
            if (bang >= 0)
            {
                size = ReadSize(text[(bang + 1)..]);
                if (size is null)
                {
                    continue;
                }

                text = text[..bang];
            }

            if (Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                uris.Add(new DmarcReportUri(uri, size));
            }
        }

        return uris;
    }

    // obs-dmarc-report-size = "!" 1*DIGIT [ "k" / "m" / "g" / "t" ]; units are powers of 2^10 (RFC 7489 section 6.2).
    private static long? ReadSize(string suffix)
    {
        var shift = suffix.Length == 0 ? 0 : char.ToLowerInvariant(suffix[^1]) switch
        {
            'k' => 10,
            'm' => 20,
            'g' => 30,
            't' => 40,
            _ => 0,
        };
        var digits = shift == 0 ? suffix : suffix[..^1];
        if (digits.Length == 0 || !IsDigits(digits)
            || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number > long.MaxValue >> shift)
        {
            return null;
        }

        return number << shift;
    }

    private static bool IsDigits(string text) => text.All(char.IsAsciiDigit);
}
