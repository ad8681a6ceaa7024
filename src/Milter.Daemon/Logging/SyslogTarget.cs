using System.Net.Sockets;
using System.Text;
using NLog;
using NLog.Targets;

namespace Milter.Daemon.Logging;

/// <summary>
/// Writes log events to the local syslog socket (<c>/dev/log</c>) in the RFC 3164 format that rsyslog and
/// journald read, so mail admins find authmilter next to Postfix in mail.log.
/// </summary>
internal sealed class SyslogTarget : TargetWithLayout
{
    private const string SocketPath = "/dev/log";
    private readonly int _facility;
    private readonly string _tag;
    private Socket? _socket;

    public SyslogTarget(string facility, string tag)
    {
        _facility = facility switch
        {
            "daemon" => 3,
            "mail" => 2,
            _ => 16 + (facility[^1] - '0'),
        };
        _tag = $"{tag}[{Environment.ProcessId}]";
    }

    protected override void Write(LogEventInfo logEvent)
    {
        var severity = logEvent.Level.Ordinal switch
        {
            >= 5 => 2, // fatal: critical
            4 => 3,    // error
            3 => 4,    // warning
            2 => 6,    // info
            _ => 7,    // debug, trace
        };
        var message = $"<{(_facility * 8) + severity}>{_tag}: {RenderLogEvent(Layout, logEvent)}";
        var bytes = Encoding.UTF8.GetBytes(message);
        try
        {
            _socket ??= Connect();
            _socket.Send(bytes);
        }
        catch (SocketException)
        {
            // syslogd restarted: reconnect once; if it is still gone the event is lost, as with any syslog client.
            _socket?.Dispose();
            _socket = Connect();
            _socket.Send(bytes);
        }
    }

    protected override void CloseTarget()
    {
        _socket?.Dispose();
        _socket = null;
        base.CloseTarget();
    }

    private static Socket Connect()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        return socket;
    }
}
