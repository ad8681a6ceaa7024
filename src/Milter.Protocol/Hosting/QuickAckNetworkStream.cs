using System.Net.Sockets;

namespace Milter.Protocol.Hosting;

/// <summary>
/// A TCP stream that re-arms TCP_QUICKACK after every read. Postfix's milter client writes some requests as two
/// small back-to-back writes with Nagle on; if this side delays its ACK of the first, the second waits for the
/// 40 ms delayed-ACK timer. Linux clears QUICKACK after a while, hence the re-arm on each read.
/// </summary>
internal sealed class QuickAckNetworkStream : NetworkStream
{
    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;
    private static readonly bool Supported = OperatingSystem.IsLinux();
    private static readonly byte[] On = BitConverter.GetBytes(1);

    public QuickAckNetworkStream(Socket socket)
        : base(socket, ownsSocket: true)
    {
        ReArm();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await base.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            ReArm();
        }

        return read;
    }

    private void ReArm()
    {
        if (Supported)
        {
            try
            {
                Socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, On);
            }
            catch (SocketException)
            {
                // The peer may already have closed; the read that follows reports it.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
