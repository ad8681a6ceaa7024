using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Milter.Protocol.Hosting;

/// <summary>
/// Where the milter listens, in the notation of Sendmail and Postfix: <c>inet:PORT@HOST</c>, <c>inet6:PORT@HOST</c>,
/// <c>inet:HOST:PORT</c> or <c>unix:/path</c> (<c>local:</c> is a synonym). A missing host means loopback.
/// </summary>
public sealed record MilterEndpoint
{
    private MilterEndpoint(string text, string? host, int port, string? path)
    {
        Text = text;
        Host = host;
        Port = port;
        UnixPath = path;
    }

    /// <summary>The specification as written.</summary>
    public string Text { get; }

    /// <summary>For TCP: the address or host name to bind.</summary>
    public string? Host { get; }

    /// <summary>For TCP: the port (0 picks a free one, for tests).</summary>
    public int Port { get; }

    /// <summary>For a unix socket: its path.</summary>
    public string? UnixPath { get; }

    /// <summary>True for a unix-domain socket.</summary>
    public bool IsUnix => UnixPath is not null;

    /// <summary>Parses a socket specification.</summary>
    /// <exception cref="FormatException">The text is none of the accepted forms, or the port is not 0–65535.</exception>
    public static MilterEndpoint Parse(string text)
    {
        var colon = text.IndexOf(':');
        var scheme = colon < 0 ? string.Empty : text[..colon].ToLowerInvariant();
        var rest = colon < 0 ? string.Empty : text[(colon + 1)..];
        switch (scheme)
        {
            case "unix" or "local" when rest.StartsWith('/'):
                return new MilterEndpoint(text, null, 0, rest);
            case "inet" or "inet6":
                string host;
                string port;
                var at = rest.IndexOf('@');
                if (at >= 0)
                {
                    port = rest[..at];
                    host = rest[(at + 1)..];
                }
                else
                {
                    var last = rest.LastIndexOf(':');
                    host = last < 0 ? string.Empty : rest[..last];
                    port = last < 0 ? rest : rest[(last + 1)..];
                }

                if (!ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber))
                {
                    throw new FormatException($"'{text}' has no valid port (0-65535).");
                }

                host = host.Trim('[', ']');
                if (host.Length == 0)
                {
                    host = scheme == "inet6" ? "::1" : "127.0.0.1";
                }

                return new MilterEndpoint(text, host, portNumber, null);
            default:
                throw new FormatException($"'{text}' is not inet:PORT@HOST, inet6:PORT@HOST, inet:HOST:PORT or unix:/absolute/path.");
        }
    }

    /// <summary>The socket address to bind or connect to; a host name is resolved (first address).</summary>
    /// <exception cref="SocketException">The host name does not resolve.</exception>
    public async Task<EndPoint> ResolveAsync(CancellationToken cancellationToken)
    {
        if (UnixPath is not null)
        {
            return new UnixDomainSocketEndPoint(UnixPath);
        }

        if (IPAddress.TryParse(Host, out var address))
        {
            return new IPEndPoint(address, Port);
        }

        var addresses = await Dns.GetHostAddressesAsync(Host!, cancellationToken).ConfigureAwait(false);
        return new IPEndPoint(addresses[0], Port);
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
