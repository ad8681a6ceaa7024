using System.Globalization;
using System.Text;
using Milter.Authentication.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace Milter.Authentication.Arc;

/// <summary>
/// Reads the ARC header fields of a message into sets by instance, for reporting: what each sealer is and recorded,
/// and which part of a broken chain is broken. The verdict itself is MimeKit's.
/// </summary>
internal static class ArcSetReader
{
    /// <summary>The sets found, indexed by instance (1..50); <paramref name="fields"/> counts every ARC field, readable or not.</summary>
    public static SortedDictionary<int, ArcSet> Read(HeaderList headers, out int fields, out List<string> unreadable)
    {
        var sets = new SortedDictionary<int, ArcSet>();
        unreadable = [];
        fields = 0;
        foreach (var field in headers)
        {
            if (field.Id is not (HeaderId.ArcSeal or HeaderId.ArcMessageSignature or HeaderId.ArcAuthenticationResults))
            {
                continue;
            }

            fields++;
            var name = field.Id.ToHeaderName();
            if (field.Id == HeaderId.ArcAuthenticationResults)
            {
                if (AuthenticationResults.TryParse(field.RawValue, out var results) && results.Instance is { } i and >= 1 and <= ArcOptions.Rfc8617MaxInstances)
                {
                    SetOf(sets, i).AddAuthenticationResults(field, results);
                }
                else
                {
                    unreadable.Add(name);
                }

                continue;
            }

            if (!DkimTagList.TryParse(field.Value, out var tags, out _) || ReadInstance(tags["i"]) is not { } instance)
            {
                unreadable.Add(name);
                continue;
            }

            if (field.Id == HeaderId.ArcSeal)
            {
                SetOf(sets, instance).AddSeal(tags);
            }
            else
            {
                SetOf(sets, instance).AddMessageSignature(field, tags);
            }
        }

        return sets;
    }

    /// <summary>What is wrong with the structure of the chain (RFC 8617 section 5.2 steps 2 and 3), or null when nothing is.</summary>
    public static string? DescribeStructure(SortedDictionary<int, ArcSet> sets, int count, List<string> unreadable)
    {
        if (sets.TryGetValue(count, out var newest) && newest.Seal?["cv"] == "fail")
        {
            return $"the newest ARC-Seal (i={count}) says cv=fail";
        }

        if (unreadable.Count > 0)
        {
            return $"{unreadable[0]} is malformed or its i= is not 1 to {ArcOptions.Rfc8617MaxInstances}";
        }

        var problems = new StringBuilder();
        for (var i = 1; i <= count && problems.Length == 0; i++)
        {
            if (!sets.TryGetValue(i, out var set))
            {
                problems.Append($"ARC set i={i} is missing");
                continue;
            }

            Check(problems, i, "ARC-Seal", set.SealCount);
            Check(problems, i, "ARC-Message-Signature", set.MessageSignatureCount);
            Check(problems, i, "ARC-Authentication-Results", set.AuthenticationResultsCount);
            var cv = set.Seal?["cv"];
            var required = i == 1 ? "none" : "pass";
            if (problems.Length == 0 && cv != required)
            {
                problems.Append(cv is null ? $"ARC-Seal i={i} has no cv=" : $"ARC-Seal i={i} has cv={cv}, not {required}");
            }
        }

        return problems.Length == 0 ? null : problems.ToString();
    }

    private static void Check(StringBuilder problems, int instance, string name, int count)
    {
        if (problems.Length == 0 && count != 1)
        {
            problems.Append(count == 0 ? $"ARC set i={instance} has no {name}" : $"ARC set i={instance} has {count} {name} fields");
        }
    }

    private static int? ReadInstance(string? value) =>
        value is { Length: > 0 and <= 2 } && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && i is >= 1 and <= ArcOptions.Rfc8617MaxInstances
            ? i
            : null;

    private static ArcSet SetOf(SortedDictionary<int, ArcSet> sets, int instance)
    {
        if (!sets.TryGetValue(instance, out var set))
        {
            set = new ArcSet(instance);
            sets[instance] = set;
        }

        return set;
    }
}
