using System.Globalization;
using System.Net;

namespace Milter.Daemon.Configuration;

/// <summary>Parsers for milter.conf values; each throws <see cref="FormatException"/> with a text fit for the admin.</summary>
public static class ConfigValue
{
    /// <summary>yes/no/true/false/on/off/1/0, case-insensitive.</summary>
    /// <exception cref="FormatException">Anything else.</exception>
    public static bool ParseBool(string text) => text.ToLowerInvariant() switch
    {
        "yes" or "true" or "on" or "1" => true,
        "no" or "false" or "off" or "0" => false,
        _ => throw new FormatException($"'{text}' is not a boolean (yes, no, true, false)."),
    };

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <exception cref="FormatException">Not a number, or out of range.</exception>
    public static int ParseInt(string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"'{text}' is not a whole number.");
        }

        return value >= min && value <= max ? value : throw new FormatException($"{value} is outside {min}..{max}.");
    }

    /// <summary>
    /// A duration: a number with a unit <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>; a bare number is seconds
    /// (as in opendkim.conf). At least <paramref name="min"/>.
    /// </summary>
    /// <exception cref="FormatException">Malformed, or below <paramref name="min"/>.</exception>
    public static TimeSpan ParseDuration(string text, TimeSpan min)
    {
        var split = 0;
        while (split < text.Length && (char.IsAsciiDigit(text[split]) || text[split] == '.'))
        {
            split++;
        }

        if (split == 0 || !double.TryParse(text.AsSpan(0, split), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            throw new FormatException($"'{text}' is not a duration (e.g. 500ms, 30s, 5m, 2h, 1d).");
        }

        var value = text[split..].ToLowerInvariant() switch
        {
            "ms" => TimeSpan.FromMilliseconds(number),
            "" or "s" => TimeSpan.FromSeconds(number),
            "m" => TimeSpan.FromMinutes(number),
            "h" => TimeSpan.FromHours(number),
            "d" => TimeSpan.FromDays(number),
            _ => throw new FormatException($"'{text}' has an unknown unit (use ms, s, m, h or d)."),
        };
        return value >= min ? value : throw new FormatException($"'{text}' is below the minimum of {Format(min)}.");
    }

    /// <summary>One of <paramref name="allowed"/>, case-insensitive; returns the allowed spelling.</summary>
    /// <exception cref="FormatException">Not one of them.</exception>
    public static string ParseChoice(string text, params string[] allowed) =>
        allowed.FirstOrDefault(a => a.Equals(text, StringComparison.OrdinalIgnoreCase))
        ?? throw new FormatException($"'{text}' is not one of {string.Join(", ", allowed)}.");

    /// <summary>A comma-separated list (spaces around items ignored, empty items dropped).</summary>
    public static IReadOnlyList<string> ParseList(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A comma-separated list of networks in CIDR notation; a bare address is a single host.</summary>
    /// <exception cref="FormatException">An item is not an address or CIDR network.</exception>
    public static IReadOnlyList<IPNetwork> ParseNetworks(string text) => ParseList(text).Select(item =>
    {
        if (IPNetwork.TryParse(item, out var network))
        {
            return network;
        }

        return IPAddress.TryParse(item, out var address)
            ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : throw new FormatException($"'{item}' is not an IP address or CIDR network (e.g. 192.0.2.0/24, 2001:db8::/32).");
    }).ToArray();

    /// <summary>An octal file mode such as <c>0660</c>.</summary>
    /// <exception cref="FormatException">Not octal digits, or bits beyond 0777.</exception>
    public static UnixFileMode ParseFileMode(string text)
    {
        var value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '7')
            {
                throw new FormatException($"'{text}' is not an octal mode (e.g. 0660).");
            }

            value = (value * 8) + (c - '0');
        }

        return text.Length > 0 && value <= 511 ? (UnixFileMode)value : throw new FormatException($"'{text}' is not a mode between 0000 and 0777.");
    }

    /// <summary>The canonical text of a duration, as <c>--check</c> prints it.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 != 0 ? $"{value.TotalMilliseconds:0}ms"
        : value.TotalSeconds % 3600 == 0 && value.TotalSeconds > 0 ? $"{value.TotalHours:0}h"
        : value.TotalSeconds % 60 == 0 && value.TotalSeconds > 0 ? $"{value.TotalMinutes:0}m"
        : $"{value.TotalSeconds:0}s";
}
