using Milter.Daemon.Cli;
using Milter.TestKit.Dns;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Cli;

/// <summary><c>authmilter spf</c> against a real Knot DNS server on loopback.</summary>
public class SpfCommandTests
{
    private KnotDnsServer _dns = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _dns = await KnotDnsServer.StartAsync(
    [
        new DnsTestZone("example.test", """
            @     TXT "v=spf1 include:_spf.example.test -all"
            _spf  TXT "v=spf1 ip4:192.0.2.0/24 ~all"
            mx    A   192.0.2.25
            """),
    ]);

    [OneTimeTearDown]
    public void Stop() => _dns.Dispose();

    [Test]
    public async Task Run_Pass_PrintsResultHeadersDecisionAndTrace()
    {
        var (exitCode, output, _) = await RunAsync("--ip", "192.0.2.25", "--sender", "user@example.test", "--helo", "mx.example.test", "--nameserver", _dns.EndPoint.ToString());

        Assert.That(exitCode, Is.Zero);
        Assert.That(output, Does.Contain("mailfrom user@example.test: pass"));
        Assert.That(output, Does.Contain("mechanism: include:_spf.example.test"));
        Assert.That(output, Does.Contain("helo postmaster@mx.example.test: none"));
        Assert.That(output, Does.Match(@"query\s+TXT example\.test"));
        Assert.That(output, Does.Match(@"(?m)^Received-SPF: pass \("));
        Assert.That(output, Does.Match(@"(?m)^Authentication-Results: \S+; spf=pass smtp.mailfrom=example.test; spf=none smtp.helo=mx.example.test$"));
        Assert.That(output, Does.Contain("decision (SpfMode header): continue"));
    }

    [Test]
    public async Task Run_FailWithEnforcingConfig_ShowsTheRefusal()
    {
        var config = Path.GetTempFileName();
        await File.WriteAllLinesAsync(config, ["SpfMode enforce", "SpfIgnoreHelo yes", "SpfRejectOn fail,softfail", $"Nameservers {_dns.EndPoint}"]);
        try
        {
            var (exitCode, output, _) = await RunAsync("--config", config, "--ip", "198.51.100.1", "--sender", "user@example.test", "--helo", "mx.example.test");

            Assert.That(exitCode, Is.Zero);
            Assert.That(output, Does.Contain("mailfrom user@example.test: fail"));
            Assert.That(output, Does.Contain("decision (SpfMode enforce): 550 5.7.23 SPF MAIL FROM check fail:"));
        }
        finally
        {
            File.Delete(config);
        }
    }

    [TestCase("--ip", "not-an-ip", "--sender", "a@b", "--helo", "h")]
    [TestCase("--sender", "a@b", "--helo", "h")]
    [TestCase("--ip", "192.0.2.1", "--sender", "a@b", "--helo", "h", "--nameserver", "nowhere")]
    [TestCase("--ip", "192.0.2.1", "--sender", "a@b", "--helo", "h", "--bogus")]
    public async Task Run_BadArguments_ExitsWithUsage(params string[] args)
    {
        var (exitCode, _, error) = await RunAsync(args);

        Assert.That(exitCode, Is.EqualTo(64));
        Assert.That(error, Does.StartWith("authmilter spf: "));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await SpfCommand.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
