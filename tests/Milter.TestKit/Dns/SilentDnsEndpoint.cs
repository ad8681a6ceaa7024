using System.Net;
using System.Net.Sockets;

namespace Milter.TestKit.Dns;

/// <summary>
/// A loopback port that takes DNS queries over UDP and TCP and never answers: a resolver pointed at it times out,
/// as against a dead or firewalled server. (A port with no socket at all is refused at once instead.)
/// </summary>
public sealed class SilentDnsEndpoint : IDisposable
{
    private readonly Socket _udp;
    private readonly Socket _tcp;

    /// <summary>Binds UDP and TCP on the same free port of 127.0.0.1.</summary>
    /// <exception cref="InvalidOperationException">No port was free for both protocols after several tries.</exception>
    public SilentDnsEndpoint()
    {
        (_udp, _tcp) = LoopbackPorts.BindUdpAndTcp();
        // Connections complete in the backlog and are never accepted or read.
        _tcp.Listen();
        EndPoint = (IPEndPoint)_udp.LocalEndPoint!;
    }

    /// <summary>The address and port that never answer.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Closes both sockets.</summary>
    public void Dispose()
    {
        _udp.Dispose();
        _tcp.Dispose();
    }
}
