using System.Net;
using System.Text;

namespace Milter.Dns;

/// <summary>Domain-name helpers shared by every resolver, so that all of them ask for the same names.</summary>
public static class DnsName
{
    /// <summary>The longest label, in octets (RFC 1035 section 2.3.4).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>
    /// The longest name in text form without the trailing dot, in octets: 255 octets on the wire (RFC 1035
    /// section 2.3.4) less the root label and the first length octet.
    /// </summary>
    public const int MaxNameLength = 253;

    /// <summary>The reverse-lookup name of an address (<c>4.3.2.1.in-addr.arpa</c> or the nibble form under ip6.arpa).</summary>
    /// <remarks>An IPv4-mapped IPv6 address (<c>::ffff:192.0.2.1</c>) is looked up under in-addr.arpa, as the IPv4 address it is.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    public static string ReverseName(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (bytes.Length == 4)
        {
            return $"{bytes[3]}.{bytes[2]}.{bytes[1]}.{bytes[0]}.in-addr.arpa";
        }

        var nibbles = new List<string>(33);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            nibbles.Add((bytes[i] & 0xF).ToString("x"));
            nibbles.Add((bytes[i] >> 4).ToString("x"));
        }

        nibbles.Add("ip6.arpa");
        return string.Join('.', nibbles);
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot be sent as a query name, or null when it can: empty, an empty label
    /// (<c>a..b</c>), a label over <see cref="MaxLabelLength"/> octets, or a name over <see cref="MaxNameLength"/> octets.
    /// One trailing dot is allowed. Non-ASCII names are measured in their ASCII (punycode) form, as they are sent.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static string? FindSyntaxError(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = name.EndsWith('.') ? name[..^1] : name;
        if (text.Length == 0)
        {
            return "empty name";
        }

        if (!Ascii.IsValid(text))
        {
            try
            {
                text = new System.Globalization.IdnMapping().GetAscii(text);
            }
            catch (ArgumentException e)
            {
                return $"not a valid internationalized name ({e.Message})";
            }
        }

        if (text.Length > MaxNameLength)
        {
            return $"name is {text.Length} octets long, over the limit of {MaxNameLength}";
        }

        foreach (var label in text.Split('.'))
        {
            if (label.Length == 0)
            {
                return "empty label";
            }

            if (label.Length > MaxLabelLength)
            {
                return $"label '{label}' is {label.Length} octets long, over the limit of {MaxLabelLength}";
            }
        }

        return null;
    }
}
