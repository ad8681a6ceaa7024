using Milter.TestKit.Daemon;

namespace Milter.IntegrationTests.Support;

/// <summary>The mail path with the real authmilter process as the milter, started from milter.conf lines.</summary>
public sealed class DaemonMailPath : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private DaemonMailPath(DaemonProcess daemon, MailPath mail)
    {
        Daemon = daemon;
        Mail = mail;
    }

    /// <summary>The authmilter process (its log is in <see cref="DaemonProcess.Output"/>).</summary>
    public DaemonProcess Daemon { get; }

    /// <summary>Postfix and the sink.</summary>
    public MailPath Mail { get; }

    /// <summary>Starts authmilter with <paramref name="config"/> plus a free loopback <c>Socket</c>, then Postfix and the sink.</summary>
    public static async Task<DaemonMailPath> StartAsync(IEnumerable<string> config)
    {
        var port = DaemonProcess.FreePort();
        var daemon = DaemonProcess.Start([$"Socket inet:{port}@127.0.0.1", .. config]);
        try
        {
            await daemon.WaitUntilListeningAsync(StartTimeout);
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }

        return new DaemonMailPath(daemon, await MailPath.StartAsync(port, daemon));
    }

    public ValueTask DisposeAsync() => Mail.DisposeAsync();
}
