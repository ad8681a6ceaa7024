using System.Net;
using System.Net.Sockets;

namespace Milter.TestKit.Dns;

/// <summary>Free loopback ports usable for both UDP and TCP, as a DNS server needs.</summary>
internal static class LoopbackPorts
{
    private const int Attempts = 20;

    /// <summary>A UDP and a TCP socket bound to the same free port of 127.0.0.1.</summary>
    /// <exception cref="InvalidOperationException">No port was free for both protocols after several tries.</exception>
    public static (Socket Udp, Socket Tcp) BindUdpAndTcp()
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(udp.LocalEndPoint!);
                return (udp, tcp);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // The kernel chose the UDP port freely; the same TCP port may be taken. Try another.
                udp.Dispose();
                tcp.Dispose();
            }
        }

        throw new InvalidOperationException($"No loopback port was free for both UDP and TCP in {Attempts} tries.");
    }

    /// <summary>A port of 127.0.0.1 free for UDP and TCP at the time of the call, for a process that binds it itself.</summary>
    /// <exception cref="InvalidOperationException">No port was free for both protocols after several tries.</exception>
    public static int FindFree()
    {
        var (udp, tcp) = BindUdpAndTcp();
        using (udp)
        using (tcp)
        {
            return ((IPEndPoint)udp.LocalEndPoint!).Port;
        }
    }
}
