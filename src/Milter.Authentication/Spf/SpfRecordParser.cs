using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Milter.Authentication.Spf;

/// <summary>
/// Parses a whole SPF record before evaluation, so that a syntax error anywhere gives permerror
/// even when an earlier mechanism would have matched (RFC 7208 section 4.6).
/// </summary>
internal static class SpfRecordParser
{
    private const string Version = "v=spf1";

    /// <summary>Whether a TXT string is an SPF version 1 record: "v=spf1", any case, then a space or the end (section 4.5).</summary>
    public static bool IsSpfRecord(string text) =>
        text.StartsWith(Version, StringComparison.OrdinalIgnoreCase) && (text.Length == Version.Length || text[Version.Length] == ' ');

    /// <summary>Parses a record for which <see cref="IsSpfRecord"/> is true.</summary>
    public static SpfRecord Parse(string text)
    {
        foreach (var c in text)
        {
            // Section 4.6.1: terms are separated by spaces only; records are 7-bit ASCII (section 3.1).
            if (c is < ' ' or > '~')
            {
                return SpfRecord.Invalid(text, $"invalid character 0x{(int)c:X2} in record");
            }
        }

        var mechanisms = new List<SpfMechanism>();
        MacroString? redirect = null;
        MacroString? explanation = null;
        var position = Version.Length;
        while (position < text.Length)
        {
            var end = text.IndexOf(' ', position);
            if (end < 0)
            {
                end = text.Length;
            }

            if (end > position)
            {
                var term = text[position..end];
                string? problem;
                if (TryGetModifier(term, out var name, out var value))
                {
                    problem = ParseModifier(term, name, value, ref redirect, ref explanation);
                }
                else
                {
                    problem = ParseMechanism(term, out var mechanism);
                    if (mechanism is not null)
                    {
                        mechanisms.Add(mechanism);
                    }
                }

                if (problem is not null)
                {
                    return SpfRecord.Invalid(text, problem);
                }
            }

            position = end + 1;
        }

        return SpfRecord.Valid(text, [.. mechanisms], redirect, explanation);
    }

    // Section 4.6.1: a modifier has '=' right after a name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ),
    // before any ':' or '/'. Anything else is read as a mechanism (and is then most likely unknown).
    private static bool TryGetModifier(string term, out string name, out string value)
    {
        name = value = string.Empty;
        var equals = term.IndexOf('=');
        if (equals < 1 || !char.IsAsciiLetter(term[0]))
        {
            return false;
        }

        for (var k = 1; k < equals; k++)
        {
            var c = term[k];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        name = term[..equals];
        value = term[(equals + 1)..];
        return true;
    }

    private static string? ParseModifier(string term, string name, string value, ref MacroString? redirect, ref MacroString? explanation)
    {
        if (!MacroString.TryParse(value, MacroSyntax.Term, out var spec, out var problem))
        {
            return problem;
        }

        var isRedirect = name.Equals("redirect", StringComparison.OrdinalIgnoreCase);
        if (!isRedirect && !name.Equals("exp", StringComparison.OrdinalIgnoreCase))
        {
            // Section 6: unknown modifiers are ignored once their syntax is checked.
            return null;
        }

        if (!SpfDomainName.IsDomainSpec(spec))
        {
            return $"invalid domain-spec in \"{term}\"";
        }

        ref var slot = ref isRedirect ? ref redirect : ref explanation;
        if (slot is not null)
        {
            return $"\"{name}\" appears more than once";
        }

        slot = spec;
        return null;
    }

    private static string? ParseMechanism(string term, out SpfMechanism? mechanism)
    {
        mechanism = null;
        var qualifier = term[0] switch
        {
            '+' => SpfResult.Pass,
            '-' => SpfResult.Fail,
            '~' => SpfResult.SoftFail,
            '?' => SpfResult.Neutral,
            _ => (SpfResult?)null,
        };
        var nameStart = qualifier is null ? 0 : 1;
        var nameEnd = term.IndexOfAny([':', '/'], nameStart);
        if (nameEnd < 0)
        {
            nameEnd = term.Length;
        }

        var kind = ParseKind(term.AsSpan(nameStart, nameEnd - nameStart));
        if (kind is null)
        {
            return $"unknown mechanism \"{term}\"";
        }

        var rest = term[nameEnd..];
        var builder = new MechanismParts();
        var ok = kind switch
        {
            SpfMechanismKind.All => rest.Length == 0,
            SpfMechanismKind.Include or SpfMechanismKind.Exists => rest.StartsWith(':') && TryDomainSpec(rest[1..], ref builder),
            SpfMechanismKind.Ptr => rest.Length == 0 || rest.StartsWith(':') && TryDomainSpec(rest[1..], ref builder),
            SpfMechanismKind.A or SpfMechanismKind.Mx => TryDomainAndDualCidr(rest, ref builder),
            SpfMechanismKind.Ip4 => rest.StartsWith(':') && TryIp4(rest[1..], ref builder),
            _ => rest.StartsWith(':') && TryIp6(rest[1..], ref builder),
        };
        if (!ok)
        {
            return $"invalid mechanism \"{term}\"";
        }

        mechanism = new SpfMechanism
        {
            Qualifier = qualifier ?? SpfResult.Pass,
            Kind = kind.Value,
            Text = term,
            DomainSpec = builder.DomainSpec,
            Network = builder.Network,
            Ip4Prefix = builder.Ip4Prefix,
            Ip6Prefix = builder.Ip6Prefix,
        };
        return null;
    }

    private static SpfMechanismKind? ParseKind(ReadOnlySpan<char> name)
    {
        foreach (var (text, kind) in Kinds)
        {
            if (name.Equals(text, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        return null;
    }

    private static readonly (string Text, SpfMechanismKind Kind)[] Kinds =
    [
        ("all", SpfMechanismKind.All), ("include", SpfMechanismKind.Include), ("a", SpfMechanismKind.A),
        ("mx", SpfMechanismKind.Mx), ("ptr", SpfMechanismKind.Ptr), ("ip4", SpfMechanismKind.Ip4),
        ("ip6", SpfMechanismKind.Ip6), ("exists", SpfMechanismKind.Exists),
    ];

    private static bool TryDomainSpec(string text, ref MechanismParts parts)
    {
        if (!MacroString.TryParse(text, MacroSyntax.Term, out var spec, out _) || !SpfDomainName.IsDomainSpec(spec))
        {
            return false;
        }

        parts.DomainSpec = spec;
        return true;
    }

    // a and mx: [ ":" domain-spec ] [ ip4-cidr-length ] [ "/" ip6-cidr-length ], the lengths taken from the end
    // because a domain-spec may itself contain '/'.
    private static bool TryDomainAndDualCidr(string rest, ref MechanismParts parts)
    {
        var hasDomain = rest.StartsWith(':');
        var text = hasDomain ? rest[1..] : rest;
        if (TrySplitPrefix(text, out var head, out var length) && head.EndsWith('/'))
        {
            if (length > 128)
            {
                return false;
            }

            parts.Ip6Prefix = length;
            text = head[..^1];
        }

        if (TrySplitPrefix(text, out head, out length))
        {
            if (length > 32)
            {
                return false;
            }

            parts.Ip4Prefix = length;
            text = head;
        }

        return hasDomain ? TryDomainSpec(text, ref parts) : text.Length == 0;
    }

    // Splits "head/digits" with digits a valid cidr-length: no leading zero, as for the address octets.
    private static bool TrySplitPrefix(string text, out string head, out int length)
    {
        head = text;
        length = 0;
        var slash = text.LastIndexOf('/');
        if (slash < 0 || !TryParseNumber(text.AsSpan(slash + 1), out length))
        {
            return false;
        }

        head = text[..slash];
        return true;
    }

    private static bool TryIp4(string text, ref MechanismParts parts)
    {
        if (!TrySplitNetwork(text, 32, out var address, ref parts.Ip4Prefix))
        {
            return false;
        }

        Span<byte> octets = stackalloc byte[4];
        var count = 0;
        foreach (var range in address.AsSpan().Split('.'))
        {
            if (count == 4 || !TryParseNumber(address.AsSpan(range), out var octet) || octet > 255)
            {
                return false;
            }

            octets[count++] = (byte)octet;
        }

        if (count != 4)
        {
            return false;
        }

        parts.Network = new IPAddress(octets);
        return true;
    }

    private static bool TryIp6(string text, ref MechanismParts parts)
    {
        if (!TrySplitNetwork(text, 128, out var address, ref parts.Ip6Prefix))
        {
            return false;
        }

        // IPAddress.TryParse also takes brackets, scope ids and IPv4 text, none of which is an ip6-network.
        foreach (var c in address)
        {
            if (!char.IsAsciiHexDigit(c) && c is not (':' or '.'))
            {
                return false;
            }
        }

        if (!IPAddress.TryParse(address, out var network) || network.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        parts.Network = network;
        return true;
    }

    // ip4-network [ ip4-cidr-length ] or ip6-network [ ip6-cidr-length ]: one optional "/" length, no dual form.
    private static bool TrySplitNetwork(string text, int maxPrefix, out string address, ref int prefix)
    {
        var slash = text.IndexOf('/');
        address = slash < 0 ? text : text[..slash];
        if (slash < 0)
        {
            return true;
        }

        if (!TryParseNumber(text.AsSpan(slash + 1), out var length) || length > maxPrefix)
        {
            return false;
        }

        prefix = length;
        return true;
    }

    // 1*DIGIT without a leading zero (the suite's cidr4-032 reading of section 5.6), at most 3 digits.
    private static bool TryParseNumber(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        if (digits.Length is 0 or > 3 || digits.Length > 1 && digits[0] == '0')
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        value = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    private struct MechanismParts
    {
        public MechanismParts()
        {
        }

        public MacroString? DomainSpec;
        public IPAddress? Network;
        public int Ip4Prefix = 32;
        public int Ip6Prefix = 128;
    }
}
