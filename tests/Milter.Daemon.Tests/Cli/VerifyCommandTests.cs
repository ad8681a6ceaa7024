using Milter.Daemon.Cli;
using Milter.TestKit;
using Milter.TestKit.Dns;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Cli;

/// <summary><c>authmilter verify</c>: the whole pipeline on a message file, against a real Knot DNS server.</summary>
public class VerifyCommandTests
{
    private KnotDnsServer _dns = null!;
    private string _config = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var keys = File.ReadAllLines(RepositoryPaths.SharedTestData("dkim", "rfc8463", "dns.txt"))
            .Select(line => $"{line[..line.IndexOf(' ')]}. TXT \"{line[(line.IndexOf(' ') + 1)..]}\"");
        _dns = await KnotDnsServer.StartAsync(
        [
            new DnsTestZone("football.example.com", string.Join('\n', keys) + """

                @       TXT "v=spf1 ip4:192.0.2.0/24 -all"
                _dmarc  TXT "v=DMARC1; p=reject"
                """),
        ]);
        _config = Path.GetTempFileName();
        await File.WriteAllLinesAsync(_config, ["AuthservId mx.verify.test", $"Nameservers {_dns.EndPoint}", "IprevCheck no", "SpfIgnoreHelo yes"]);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _dns.Dispose();
        File.Delete(_config);
    }

    [Test]
    public async Task Run_SignedMessageFromPermittedClient_PrintsTheHeaderAsInsertedAndContinue()
    {
        var (exitCode, output, error) = await RunAsync(Message("signed-message.eml"), "--ip", "192.0.2.1", "--helo", "mail.football.example.com", "--sender", "joe@football.example.com");

        Assert.That(exitCode, Is.Zero, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("Authentication-Results: mx.verify.test; spf=pass smtp.mailfrom=football.example.com; dkim=pass header.d=football.example.com"));
        Assert.That(lines[0], Does.EndWith("arc=none smtp.remote-ip=192.0.2.1; dmarc=pass (p=reject sp=reject dis=none) header.from=football.example.com"));
        Assert.That(lines[1], Does.StartWith("Received-SPF: pass "));
        Assert.That(lines[^1], Is.EqualTo("verdict: continue"));
    }

    [Test]
    public async Task Run_UnsignedSpoofFromStranger_PrintsTheReject()
    {
        var (exitCode, output, _) = await RunAsync(Message("unsigned-message.eml"), "--ip", "198.51.100.1", "--helo", "evil.example", "--sender", "joe@football.example.com");

        Assert.That(exitCode, Is.Zero);
        Assert.That(output, Does.Contain("dmarc=fail (p=reject sp=reject dis=reject) header.from=football.example.com"));
        Assert.That(output.TrimEnd().Split('\n')[^1], Is.EqualTo("verdict: 550 5.7.26 Rejected by DMARC policy for football.example.com"));
    }

    [Test]
    public async Task Run_SpfEnforced_StopsAtMailFrom()
    {
        var config = Path.GetTempFileName();
        await File.WriteAllLinesAsync(config, [.. File.ReadAllLines(_config), "SpfMode enforce"]);
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exitCode = await VerifyCommand.RunAsync(
                [Message("unsigned-message.eml"), "--config", config, "--ip", "198.51.100.1", "--helo", "evil.example", "--sender", "joe@football.example.com"], output, error);

            Assert.That(exitCode, Is.Zero);
            Assert.That(output.ToString().Trim(), Does.StartWith("verdict at MailFrom: 550 5.7.23 SPF MAIL FROM check fail:"));
        }
        finally
        {
            File.Delete(config);
        }
    }

    [TestCase("--ip", "192.0.2.1", "--helo", "h", "--sender", "a@b")]
    [TestCase("message.eml", "--ip", "192.0.2.1", "--helo", "h", "--sender", "a@b", "--now", "yesterday")]
    [TestCase("message.eml", "--ip", "192.0.2.1", "--helo", "h")]
    public async Task Run_BadArguments_ExitsWithUsage(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.That(await VerifyCommand.RunAsync(args, output, error), Is.EqualTo(64));
        Assert.That(error.ToString(), Does.StartWith("authmilter verify: "));
    }

    [Test]
    public async Task Run_MissingFile_SaysSo()
    {
        var (exitCode, _, error) = await RunAsync("/nonexistent/message.eml", "--ip", "192.0.2.1", "--helo", "h", "--sender", "a@b");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error, Does.StartWith("authmilter verify: cannot read /nonexistent/message.eml"));
    }

    private static string Message(string name) => RepositoryPaths.SharedTestData("dkim", "rfc8463", name);

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await VerifyCommand.RunAsync([file, "--config", _config, .. args], output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
