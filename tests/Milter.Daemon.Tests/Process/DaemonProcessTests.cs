using System.Net;
using System.Text;
using Milter.Protocol;
using Milter.TestKit.Client;
using Milter.TestKit.Daemon;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Process;

/// <summary>The <c>authmilter</c> executable as an admin runs it: configuration errors, --check, serving, SIGTERM.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DaemonProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Main_BadConfigLine_ExitsWithExConfigNamingFileLineAndKey()
    {
        await using var daemon = DaemonProcess.Start(["# comment", "MaxConnections lots"]);

        var exitCode = await daemon.WaitForExitAsync(StartTimeout);

        Assert.That(exitCode, Is.EqualTo(78));
        Assert.That(daemon.Output, Does.Contain($"{daemon.ConfigDirectory}/milter.conf:2: MaxConnections: 'lots' is not a whole number."));
    }

    [Test]
    public async Task Main_MissingConfigFile_ExitsWithExConfig()
    {
        await using var daemon = DaemonProcess.Start(null, "--config", "/nonexistent/milter.conf");

        Assert.That(await daemon.WaitForExitAsync(StartTimeout), Is.EqualTo(78));
        Assert.That(daemon.Output, Does.Contain("/nonexistent/milter.conf: cannot read the configuration file"));
    }

    [Test]
    public async Task Main_Check_PrintsTheEffectiveConfigurationAndExitsZero()
    {
        await using var daemon = DaemonProcess.Start(["Socket inet:9999@127.0.0.1", "OnError accept"], "--check");

        Assert.That(await daemon.WaitForExitAsync(StartTimeout), Is.EqualTo(0));
        Assert.That(daemon.Output, Does.Contain("valid"));
        Assert.That(daemon.Output, Does.Match(@"(?m)^Socket\s+inet:9999@127\.0\.0\.1$"));
        Assert.That(daemon.Output, Does.Match(@"(?m)^OnError\s+accept$"));
        Assert.That(daemon.Output, Does.Match(@"(?m)^MaxConnections\s+1024$"), "defaults are printed too");
    }

    [Test]
    public async Task Main_UnknownArgument_ExitsWithExUsage()
    {
        await using var daemon = DaemonProcess.Start(null, "--frobnicate");

        Assert.That(await daemon.WaitForExitAsync(StartTimeout), Is.EqualTo(64));
    }

    [Test]
    public async Task Main_Serving_InsertsResultsRemovesForgedHeaderAndStopsCleanlyOnSigterm()
    {
        var port = DaemonProcess.FreePort();
        await using var daemon = DaemonProcess.Start([$"Socket inet:{port}@127.0.0.1", "AuthservId mx.test.example", "TrustedNetworks 10.0.0.0/8", "SpfMode off", "DkimVerify no", "DmarcMode off", "IprevCheck no", "ArcVerify no"]);
        await daemon.WaitUntilListeningAsync(StartTimeout);
        var message = ParsedEml.Parse(Encoding.ASCII.GetBytes(
            "Authentication-Results: other.example; spf=pass\r\n" +
            "Authentication-Results: mx.test.example; dmarc=pass (forged)\r\n" +
            "From: a@example.org\r\nSubject: hi\r\n\r\nHello\r\n"));

        await using (var client = await MilterClient.OpenAsync($"inet:{port}@127.0.0.1"))
        {
            await client.NegotiateAsync();
            await client.ConnectAsync("client.example", IPAddress.Parse("192.0.2.1"), 4242);
            await client.HeloAsync("client.example");
            var result = await client.SendMessageAsync(message, new MilterEnvelope("<a@example.org>", "<b@example.test>"));

            Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
            Assert.That(result.EndOfMessage!.Modifications, Is.EqualTo(new MilterClientModification[]
            {
                new MilterClientModification.ChangeHeader(2, "Authentication-Results", string.Empty),
                new MilterClientModification.InsertHeader(0, "Authentication-Results", " mx.test.example; none"),
            }));
            await client.QuitAsync();
        }

        daemon.Terminate();
        Assert.That(await daemon.WaitForExitAsync(StartTimeout), Is.EqualTo(0));
        Assert.That(daemon.Output, Does.Contain("client=192.0.2.1 helo=client.example from=<a@example.org>"));
    }

    [Test]
    public async Task Main_TrustedClient_IsNotChecked()
    {
        var port = DaemonProcess.FreePort();
        await using var daemon = DaemonProcess.Start([$"Socket inet:{port}@127.0.0.1", "AuthservId mx.test.example"]);
        await daemon.WaitUntilListeningAsync(StartTimeout);
        var message = ParsedEml.Parse(Encoding.ASCII.GetBytes("Authentication-Results: mx.test.example; spf=pass\r\nFrom: a@example.org\r\n\r\nHi\r\n"));

        await using var client = await MilterClient.OpenAsync($"inet:{port}@127.0.0.1");
        await client.NegotiateAsync();
        await client.ConnectAsync("localhost", IPAddress.Loopback, 4242);
        var result = await client.SendMessageAsync(message, new MilterEnvelope("<a@example.org>", "<b@example.test>"));

        Assert.That(result.EndOfMessage!.Modifications, Is.Empty, "our own relays' verdicts are kept and nothing is added");
        await daemon.WaitForOutputAsync("results=skipped (trusted network)", StartTimeout);
    }

    [Test]
    public async Task Main_UnixSocket_ListensWithTheConfiguredModeAndRemovesTheSocketOnStop()
    {
        var directory = Directory.CreateTempSubdirectory("authmilter-sock-").FullName;
        var path = Path.Combine(directory, "milter.sock");
        await File.WriteAllBytesAsync(path, []); // a stale leftover, as after a crash
        try
        {
            await using var daemon = DaemonProcess.Start([$"Socket unix:{path}", "SocketMode 0600"]);
            await daemon.WaitUntilListeningAsync(StartTimeout);

            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            await using (var client = await MilterClient.OpenAsync($"unix:{path}"))
            {
                var negotiation = await client.NegotiateAsync();
                Assert.That(negotiation.Version, Is.EqualTo(6u));
            }

            daemon.Terminate();
            Assert.That(await daemon.WaitForExitAsync(StartTimeout), Is.EqualTo(0));
            Assert.That(File.Exists(path), Is.False);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Main_PortInUse_ExitsWithFailureAndSaysWhy()
    {
        using var occupant = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        await using var daemon = DaemonProcess.Start([$"Socket inet:{port}@127.0.0.1"]);

        Assert.That(await daemon.WaitForExitAsync(StartTimeout), Is.EqualTo(1));
        Assert.That(daemon.Output, Does.Contain($"Cannot start: Socket inet:{port}@127.0.0.1"));
    }
}
