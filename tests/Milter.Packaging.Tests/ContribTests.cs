using System.Text.RegularExpressions;
using Milter.Packaging.Tests.Support;
using Milter.TestKit.Daemon;

namespace Milter.Packaging.Tests;

/// <summary>The ready-made configurations and MTA snippets in contrib/ are valid and agree with each other.</summary>
public partial class ContribTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static IEnumerable<string> Examples() =>
        Directory.EnumerateFiles(Repository.PathOf("contrib", "milter.conf.examples"), "*.conf").Order().Select(Path.GetFileName)!;

    [Test]
    public void Examples_CoverTheCommonDeployments()
    {
        Assert.That(Examples(), Is.SupersetOf(new[] { "enforce.conf", "fleet.conf", "forwarding-relay.conf", "monitor.conf" }));
    }

    [TestCaseSource(nameof(Examples))]
    public async Task Example_PassesCheck(string example)
    {
        await using var daemon = DaemonProcess.Start(null, "--config", Repository.PathOf("contrib", "milter.conf.examples", example), "--check");

        var exitCode = await daemon.WaitForExitAsync(Timeout);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, daemon.Output);
            Assert.That(daemon.Output, Does.Contain($"{example}): valid"));
        });
    }

    [Test]
    public void SendmailMacros_AreThePostfixSnippetMacros()
    {
        var postfix = PostfixMainCf.Read(Repository.PathOf("contrib", "postfix", "main.cf"));
        var mc = File.ReadAllText(Repository.PathOf("contrib", "sendmail", "authmilter.mc"));
        var stages = new Dictionary<string, string>
        {
            ["milter_connect_macros"] = "CONNECT",
            ["milter_helo_macros"] = "HELO",
            ["milter_mail_macros"] = "ENVFROM",
            ["milter_end_of_data_macros"] = "EOM",
        };

        Assert.Multiple(() =>
        {
            foreach (var (parameter, stage) in stages)
            {
                var sendmail = Regex.Match(mc, $@"define\(`confMILTER_MACROS_{stage}', confMILTER_MACROS_{stage}`, ([^']*)'\)");
                Assert.That(sendmail.Success, $"no confMILTER_MACROS_{stage} line");
                Assert.That(
                    sendmail.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries),
                    Is.EquivalentTo(postfix[parameter].Split(' ', StringSplitOptions.RemoveEmptyEntries)),
                    stage);
            }
        });
    }

    [Test]
    public void SendmailFilter_UsesTheDefaultSocketAndTempfails()
    {
        var mc = File.ReadAllText(Repository.PathOf("contrib", "sendmail", "authmilter.mc"));

        var filter = InputMailFilter().Match(mc);

        Assert.Multiple(() =>
        {
            Assert.That(filter.Groups["socket"].Value, Is.EqualTo(new Milter.Daemon.Configuration.MilterSettings().Socket.Text));
            Assert.That(filter.Groups["flags"].Value, Is.EqualTo("T"));
        });
    }

    [Test]
    public void PostfixSnippet_PointsAtTheDefaultSocket()
    {
        var postfix = PostfixMainCf.Read(Repository.PathOf("contrib", "postfix", "main.cf"));
        var socket = new Milter.Daemon.Configuration.MilterSettings().Socket.Text; // inet:PORT@HOST

        var (port, host) = (socket.Split(':', '@')[1], socket.Split('@')[1]);

        Assert.That(postfix["smtpd_milters"], Is.EqualTo($"inet:{host}:{port}"));
    }

    [GeneratedRegex(@"INPUT_MAIL_FILTER\(`authmilter', `S=(?<socket>[^,]+), F=(?<flags>[A-Z]*), T=[^']+'\)")]
    private static partial Regex InputMailFilter();
}
