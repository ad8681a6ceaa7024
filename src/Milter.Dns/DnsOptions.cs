using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Milter.Dns;

/// <summary>
/// DNS settings of the daemon (milter.conf keys <c>Nameservers</c>, <c>DnsTimeout</c>, <c>DnsRetries</c>,
/// <c>DnsCacheMinTtl</c>, <c>DnsCacheMaxTtl</c>, <c>DnsCacheMaxEntries</c>). Each setter rejects a value out of range;
/// <see cref="Validate"/> checks what a setter cannot see (the nameserver list and the TTL pair).
/// </summary>
public sealed class DnsOptions
{
    /// <summary>The port used when a nameserver is given without one.</summary>
    public const int DefaultPort = 53;

    /// <summary>
    /// The longest <see cref="Timeout"/>. A mail transaction waits for DNS, and the MTA gives up on the milter after
    /// its own timeouts (Postfix <c>milter_command_timeout</c>, 30 s); the cap also catches <c>DnsTimeout = 5000</c>,
    /// which a TimeSpan reads as 5000 days.
    /// </summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest <see cref="CacheMinTtl"/> and <see cref="CacheMaxTtl"/>: 7 days, the cap RFC 8767 section 4
    /// recommends for TTLs.
    /// </summary>
    public static readonly TimeSpan MaxCacheTtl = TimeSpan.FromDays(7);

    /// <summary>The most <see cref="Retries"/>: a query to a dead server takes Timeout × (Retries + 1) per server.</summary>
    public const int MaxRetries = 10;

    private TimeSpan _timeout = TimeSpan.FromSeconds(5);
    private int _retries = 2;
    private TimeSpan _cacheMinTtl = TimeSpan.Zero;
    private TimeSpan _cacheMaxTtl = TimeSpan.FromHours(1);
    private int _cacheMaxEntries = 10_000;

    /// <summary>
    /// The recursive resolvers to ask, in order of preference (the next is asked when one fails or times out).
    /// Defaults to empty: the nameservers of the system (<c>/etc/resolv.conf</c>).
    /// </summary>
    public IList<IPEndPoint> Nameservers { get; } = new List<IPEndPoint>();

    /// <summary>How long to wait for one answer from one server before retrying. Defaults to 5 seconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative, or over <see cref="MaxTimeout"/>.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxTimeout);
            _timeout = value;
        }
    }

    /// <summary>
    /// How many times a query that timed out or failed on the network is sent again to the same server before the
    /// next server is tried. Defaults to 2 (three tries in all).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or over <see cref="MaxRetries"/>.</exception>
    public int Retries
    {
        get => _retries;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxRetries);
            _retries = value;
        }
    }

    /// <summary>
    /// The shortest time an answer is cached, even when its TTL is lower. Defaults to zero: a TTL of 0 means
    /// "do not cache" (RFC 1035 section 3.2.1) and is honoured.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or over <see cref="MaxCacheTtl"/>.</exception>
    public TimeSpan CacheMinTtl
    {
        get => _cacheMinTtl;
        set => _cacheMinTtl = CheckCacheTtl(value);
    }

    /// <summary>
    /// The longest time an answer, positive or negative, is cached, whatever its TTL. Defaults to 1 hour.
    /// Zero turns caching off (concurrent identical queries are still sent once).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or over <see cref="MaxCacheTtl"/>.</exception>
    public TimeSpan CacheMaxTtl
    {
        get => _cacheMaxTtl;
        set => _cacheMaxTtl = CheckCacheTtl(value);
    }

    /// <summary>
    /// The most answers the cache holds; beyond it the least recently used is dropped. Senders choose the names we
    /// look up, so the cache must not grow with them. Defaults to 10,000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int CacheMaxEntries
    {
        get => _cacheMaxEntries;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _cacheMaxEntries = value;
        }
    }

    /// <summary>Checks what the setters cannot: the entries of <see cref="Nameservers"/> and the TTL pair.</summary>
    /// <exception cref="ArgumentException">
    /// A nameserver is null or has port 0, or <see cref="CacheMinTtl"/> is greater than <see cref="CacheMaxTtl"/>.
    /// </exception>
    public void Validate()
    {
        foreach (var nameserver in Nameservers)
        {
            if (nameserver is null)
            {
                throw new ArgumentException("A nameserver entry is null.", nameof(Nameservers));
            }

            if (nameserver.Port == 0)
            {
                throw new ArgumentException($"Nameserver {nameserver}: port 0 is not a port to send to.", nameof(Nameservers));
            }
        }

        if (CacheMinTtl > CacheMaxTtl)
        {
            throw new ArgumentException(
                $"DnsCacheMinTtl ({CacheMinTtl}) is greater than DnsCacheMaxTtl ({CacheMaxTtl}).", nameof(CacheMinTtl));
        }
    }

    /// <summary>
    /// Parses one nameserver as written in milter.conf: <c>192.0.2.1</c>, <c>192.0.2.1:5353</c>, <c>2001:db8::1</c>,
    /// <c>[2001:db8::1]</c> or <c>[2001:db8::1]:5353</c>. Without a port, <see cref="DefaultPort"/> is used.
    /// Host names are refused: the resolver that would resolve them is the one being configured.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">
    /// The text is not an IPv4 address in dotted-quad form or an IPv6 address, optionally with a port from 1 to 65535
    /// (an IPv6 address with a port must be in brackets).
    /// </exception>
    public static IPEndPoint ParseNameserver(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        string host;
        string? port = null;
        if (trimmed.StartsWith('['))
        {
            var close = trimmed.IndexOf(']');
            if (close < 0)
            {
                throw new FormatException($"Nameserver '{text}': '[' without a closing ']'.");
            }

            host = trimmed[1..close];
            var rest = trimmed[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    throw new FormatException($"Nameserver '{text}': expected ':port' after ']', found '{rest}'.");
                }

                port = rest[1..];
            }

            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new FormatException($"Nameserver '{text}': '{host}' in brackets is not an IPv6 address.");
            }

            return new IPEndPoint(v6, ParsePort(text, port));
        }

        var colons = trimmed.Count(c => c == ':');
        if (colons > 1)
        {
            // Two or more colons: a bare IPv6 address, whose port cannot be told from its last group.
            if (!IPAddress.TryParse(trimmed, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new FormatException(
                    $"Nameserver '{text}' is not an IPv6 address (write an IPv6 address with a port as [address]:port).");
            }

            return new IPEndPoint(v6, DefaultPort);
        }

        host = trimmed;
        if (colons == 1)
        {
            var colon = trimmed.IndexOf(':');
            host = trimmed[..colon];
            port = trimmed[(colon + 1)..];
        }

        return new IPEndPoint(ParseDottedQuad(text, host), ParsePort(text, port));
    }

    // IPAddress.TryParse also takes the old inet_aton forms ("10.1" is 10.0.0.1, "12345" is 0.0.48.57), which in a
    // config file are far more likely typos or host names than intent: only four decimal octets are accepted.
    private static IPAddress ParseDottedQuad(string text, string host)
    {
        var parts = host.Split('.');
        var bytes = new byte[4];
        var valid = parts.Length == 4;
        for (var i = 0; valid && i < 4; i++)
        {
            valid = parts[i].Length is >= 1 and <= 3
                && parts[i].All(char.IsAsciiDigit)
                && byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]);
        }

        if (!valid)
        {
            throw new FormatException(
                $"Nameserver '{text}': '{host}' is not an IP address (IPv4 as four decimal octets such as 192.0.2.1; host names are not accepted).");
        }

        return new IPAddress(bytes);
    }

    private static TimeSpan CheckCacheTtl(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxCacheTtl);
        return value;
    }

    private static int ParsePort(string text, string? port)
    {
        if (port is null)
        {
            return DefaultPort;
        }

        if (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit)
            || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 65535)
        {
            throw new FormatException($"Nameserver '{text}': port '{port}' is not a number from 1 to 65535.");
        }

        return value;
    }
}
