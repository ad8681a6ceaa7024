using System.Globalization;
using System.Text;
using Milter.ConfGen;
using Milter.Packaging.Tests.Support;
using Milter.TestKit.Daemon;
using Milter.TestKit.Postfix;

namespace Milter.Packaging.Tests;

/// <summary>
/// The .deb from packaging/deb/build.sh: lintian has nothing to say, and on this machine it installs, runs as its unit
/// would, filters mail through a real Postfix configured with contrib/postfix/main.cf, and purges without a trace.
/// Needs root, dpkg-dev, lintian, postfix and the .NET SDK.
/// </summary>
[NonParallelizable]
public class DebPackageTests
{
    private const string Unit = "/lib/systemd/system/authmilter.service";
    private const string Config = "/etc/authmilter/milter.conf";
    private const string AuthservId = "mx.packaging.test";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AptTimeout = TimeSpan.FromMinutes(5);
    private static readonly Dictionary<string, string> Apt = new() { ["DEBIAN_FRONTEND"] = "noninteractive" };

    /// <summary>Everything the package installs or its scripts create; none may outlive a purge.</summary>
    private static readonly string[] PackagePaths =
    [
        "/usr/lib/authmilter", "/usr/sbin/authmilter", "/etc/authmilter", "/etc/logrotate.d/authmilter", Unit,
        "/etc/systemd/system/multi-user.target.wants/authmilter.service", "/usr/lib/tmpfiles.d/authmilter.conf",
        "/usr/share/man/man8/authmilter.8.gz", "/usr/share/doc/authmilter", "/var/lib/authmilter", "/var/log/authmilter",
        "/run/authmilter",
    ];

    [OneTimeSetUp]
    public void RequireRoot()
    {
        Assert.That(Environment.IsPrivilegedProcess, "The package tests install a package and run Postfix: run them as root (CI does).");
    }

    [Test]
    public async Task Lintian_ReportsNothing()
    {
        var deb = await DebPackage.PathAsync();

        var result = await Command.RunAsync("lintian", ["--pedantic", "--display-info", "--display-experimental", deb], TimeSpan.FromMinutes(5));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Output);
            Assert.That(result.StandardOutput.Trim(), Is.Empty, "tags to fix, or to justify in packaging/deb/lintian-overrides");
        });
    }

    [Test]
    public async Task Package_InstallsFiltersMailAndPurgesCleanly()
    {
        var deb = await DebPackage.PathAsync();
        try
        {
            await Command.RunCheckedAsync("apt-get", ["install", "-y", "-o", "DPkg::Lock::Timeout=120", deb], AptTimeout, Apt);
            await AssertInstalledAsync();
            await AssertFiltersMailAsync();
        }
        finally
        {
            await Command.RunCheckedAsync("apt-get", ["purge", "-y", "-o", "DPkg::Lock::Timeout=120", "authmilter"], AptTimeout, Apt);
        }

        await AssertPurgedAsync();
    }

    private static async Task AssertInstalledAsync()
    {
        var version = await Command.RunCheckedAsync("/usr/sbin/authmilter", ["--version"], Timeout);
        var user = (await Command.RunCheckedAsync("getent", ["passwd", "authmilter"], Timeout)).StandardOutput.Split(':');
        var verify = await Command.RunAsync("systemd-analyze", ["verify", Unit], Timeout);
        var owners = await Command.RunCheckedAsync("stat", ["-c", "%U", "/var/lib/authmilter", "/var/log/authmilter", "/run/authmilter"], Timeout);
        Assert.Multiple(() =>
        {
            Assert.That(version.StandardOutput, Does.StartWith("authmilter "));
            Assert.That(int.Parse(user[2], CultureInfo.InvariantCulture), Is.LessThan(1000), "a system user");
            Assert.That(user[6].Trim(), Is.EqualTo("/usr/sbin/nologin"));
            Assert.That(owners.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "authmilter", "authmilter", "authmilter" }), "state, log and run (tmpfiles.d) directories");
            Assert.That(File.Exists("/etc/systemd/system/multi-user.target.wants/authmilter.service"), "the unit is enabled");
            Assert.That(verify.ExitCode, Is.Zero, verify.Output);
            Assert.That(verify.Output, Does.Not.Contain("authmilter.service:"), "systemd-analyze verify complains about the unit");
            Assert.That(File.ReadAllText(Config), Is.EqualTo(MilterConfTemplate.Render([])), "the milter.conf generated from ConfigKeys.All");
        });
    }

    private static async Task AssertFiltersMailAsync()
    {
        // The installed configuration with the lines an admin would add (it sets no key, so none is repeated).
        // Nameservers: nothing answers on that port, so SPF ends at once in temperror (the network is loopback only).
        var port = DaemonProcess.FreePort();
        await File.AppendAllLinesAsync(Config, [
            $"Socket inet:{port.ToString(CultureInfo.InvariantCulture)}@127.0.0.1",
            $"AuthservId {AuthservId}",
            $"Nameservers 127.0.0.1:{DaemonProcess.FreePort().ToString(CultureInfo.InvariantCulture)}",
            "DnsTimeout 1s",
        ]);

        var snippet = PostfixMainCf.Read(Repository.PathOf("contrib", "postfix", "main.cf"));
        await using var daemon = ServiceCommand.Start(SystemdUnit.Read(Unit));
        await daemon.WaitForOutputAsync("Listening on", Timeout);
        await using var sink = SmtpSink.Start();
        await using (var postfix = await PostfixInstance.StartAsync(new PostfixInstanceOptions
        {
            Milters = snippet["smtpd_milters"].Replace(":8895", $":{port.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal),
            Relay = sink.EndPoint,
            MainSettings = snippet.Where(p => p.Key != "smtpd_milters").ToDictionary(),
        }))
        {
            await using var client = await SmtpTestClient.ConnectAsync(postfix.SmtpEndPoint, Timeout);
            await Expect(client.EhloAsync("client.test"), 250);
            await Expect(client.XClientAsync("ADDR=192.0.2.1 NAME=[UNAVAILABLE] HELO=mail.example.org"), 220);
            await Expect(client.EhloAsync("mail.example.org"), 250);
            var message = Encoding.ASCII.GetBytes(
                "From: <alice@example.org>\r\nTo: <bob@example.net>\r\nSubject: packaged\r\nMessage-ID: <packaged@example.org>\r\n\r\nHello.\r\n");
            await Expect(client.SendMessageAsync("alice@example.org", ["bob@example.net"], message), 250);
            await client.QuitAsync();

            var delivered = await sink.ReceiveAsync(Timeout);
            Assert.That(delivered.HeaderLines, Has.Some.StartsWith($"Authentication-Results: {AuthservId};"), delivered.Text);
            Assert.That(delivered.Text, Does.Contain("spf="), delivered.Text);
        }

        // SIGTERM, as systemctl stop sends.
        daemon.Terminate();
        Assert.That(await daemon.WaitForExitAsync(Timeout), Is.Zero, daemon.Output);
    }

    private static async Task AssertPurgedAsync()
    {
        var user = await Command.RunAsync("getent", ["passwd", "authmilter"], Timeout);
        var group = await Command.RunAsync("getent", ["group", "authmilter"], Timeout);
        var status = await Command.RunAsync("dpkg-query", ["-W", "-f", "${db:Status-Status}", "authmilter"], Timeout);
        Assert.Multiple(() =>
        {
            Assert.That(user.ExitCode, Is.EqualTo(2), "the user is gone: " + user.StandardOutput);
            Assert.That(group.ExitCode, Is.EqualTo(2), "the group is gone: " + group.StandardOutput);
            Assert.That(status.StandardOutput, Is.Empty.Or.EqualTo("not-installed"), "dpkg forgets the package");
            Assert.That(PackagePaths.Where(Exists), Is.Empty, "left behind");
            Assert.That(Directory.GetFiles("/var/lib/systemd/deb-systemd-helper-enabled", "authmilter*", SearchOption.AllDirectories), Is.Empty);
        });
    }

    private static bool Exists(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static async Task Expect(Task<SmtpReply> command, int code)
    {
        var reply = await command;
        Assert.That(reply.Code, Is.EqualTo(code), reply.ToString());
    }
}
