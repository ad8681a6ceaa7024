using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Milter.Authentication.Spf;

/// <summary>The macro values fixed for one check (all but <c>%{d}</c> and <c>%{p}</c>, which vary during it).</summary>
internal sealed class SpfMacroValues
{
    private readonly TimeProvider _time;
    private string? _dottedAddress;

    public SpfMacroValues(IPAddress client, string sender, int at, string helo, string receiver, TimeProvider time)
    {
        Client = client;
        Sender = sender;
        LocalPart = sender[..at];
        SenderDomain = sender[(at + 1)..];
        Helo = helo;
        Receiver = receiver;
        _time = time;
    }

    public IPAddress Client { get; }

    public bool IsIPv6 => Client.AddressFamily == AddressFamily.InterNetworkV6;

    public string Sender { get; }

    public string LocalPart { get; }

    public string SenderDomain { get; }

    public string Helo { get; }

    public string Receiver { get; }

    public string ReverseZone => IsIPv6 ? "ip6" : "in-addr";

    public string ClientText => Client.ToString();

    public string Timestamp => _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>%{i}</c>: dotted quad for IPv4; for IPv6 the 32 nibbles in lower case separated by dots,
    /// as in the RFC 7208 section 7.4 example.
    /// </summary>
    public string DottedAddress => _dottedAddress ??= IsIPv6 ? Nibbles(Client) : Client.ToString();

    private static string Nibbles(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return string.Create(63, bytes.ToArray(), static (chars, b) =>
        {
            for (var k = 0; k < 32; k++)
            {
                var nibble = k % 2 == 0 ? b[k / 2] >> 4 : b[k / 2] & 0xF;
                chars[2 * k] = "0123456789abcdef"[nibble];
                if (k < 31)
                {
                    chars[2 * k + 1] = '.';
                }
            }
        });
    }
}
