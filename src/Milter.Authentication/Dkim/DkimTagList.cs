using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Milter.Authentication.Dkim;

/// <summary>
/// A tag=value list (RFC 6376 section 3.2), the syntax of both DKIM-Signature fields and key records. Values are
/// kept without their white space: every tag this verifier reads (b, bh, h, p, i, ...) ignores it.
/// </summary>
internal sealed class DkimTagList
{
    private readonly Dictionary<string, string> _values;

    private DkimTagList(Dictionary<string, string> values, IReadOnlyList<string> names)
    {
        _values = values;
        Names = names;
    }

    /// <summary>The tag names in the order written; tag names are case-sensitive.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The value of <paramref name="name"/>, or null when the tag is absent.</summary>
    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>
    /// Parses <paramref name="text"/> (folded or not). A trailing ";" is allowed, as is an empty text (no tags).
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out DkimTagList? tags, [NotNullWhen(false)] out string? error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new List<string>();
        var specs = text.Split(';');
        var value = new StringBuilder();
        tags = null;
        for (var i = 0; i < specs.Length; i++)
        {
            var spec = specs[i];
            if (IsBlank(spec))
            {
                if (i == specs.Length - 1)
                {
                    break;
                }

                error = "empty tag between two ';'";
                return false;
            }

            var equals = spec.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                error = $"\"{spec.Trim()}\" is not a tag=value pair";
                return false;
            }

            var name = spec[..equals].Trim(' ', '\t', '\r', '\n');
            if (!IsTagName(name))
            {
                error = $"\"{name}\" is not a tag name";
                return false;
            }

            value.Clear();
            foreach (var c in spec.AsSpan(equals + 1))
            {
                if (c is ' ' or '\t' or '\r' or '\n')
                {
                    continue;
                }

                // VALCHAR is %x21-3A / %x3C-7E; octets over 7E are let through for UTF-8 identities (RFC 8616).
                if (c < '!' || c == '\x7f')
                {
                    error = $"tag {name} has a control character in its value";
                    return false;
                }

                value.Append(c);
            }

            if (!values.TryAdd(name, value.ToString()))
            {
                error = $"tag {name} appears twice";
                return false;
            }

            names.Add(name);
        }

        tags = new DkimTagList(values, names);
        error = null;
        return true;
    }

    private static bool IsBlank(string spec) => spec.AsSpan().Trim(" \t\r\n").IsEmpty;

    // tag-name = ALPHA *ALNUMPUNC, where ALNUMPUNC is ALPHA / DIGIT / "_".
    private static bool IsTagName(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0]) && name.AsSpan(1).IndexOfAnyExcept(TagNameChars) < 0;

    private static readonly System.Buffers.SearchValues<char> TagNameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
}
