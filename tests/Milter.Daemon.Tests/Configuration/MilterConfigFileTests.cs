using System.Net;
using Milter.Daemon.Configuration;
using Milter.Protocol.Handling;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Configuration;

public class MilterConfigFileTests
{
    private const string File = "/etc/authmilter/milter.conf";

    [Test]
    public void Parse_NoLines_GivesTheDefaults()
    {
        var settings = MilterConfigFile.Parse(File, []);

        Assert.That(settings.Socket.Text, Is.EqualTo("inet:8895@127.0.0.1"));
        Assert.That(settings.SocketMode, Is.EqualTo((UnixFileMode)Convert.ToInt32("660", 8)));
        Assert.That(settings.SocketOwner, Is.Null);
        Assert.That(settings.MaxConnections, Is.EqualTo(1024));
        Assert.That(settings.ShutdownTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(settings.IdleTimeout, Is.EqualTo(TimeSpan.FromSeconds(7210)));
        Assert.That(settings.MaxPacketSize, Is.EqualTo((1024 * 1024) + (64 * 1024)));
        Assert.That(settings.MaxHeaders, Is.EqualTo(1000));
        Assert.That(settings.OnError, Is.SameAs(MilterDecision.Tempfail));
        Assert.That(settings.LogLevel, Is.EqualTo("info"));
        Assert.That(settings.LogTarget, Is.EqualTo("console"));
        Assert.That(settings.SyslogFacility, Is.EqualTo("mail"));
        Assert.That(settings.AuthservId, Is.EqualTo(System.Net.Dns.GetHostName()));
        Assert.That(settings.TrustedNetworks, Is.EqualTo(new[] { IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128") }));
    }

    [Test]
    public void Parse_CommentsBlankLinesAndCaseInsensitiveNames_AreApplied()
    {
        var settings = MilterConfigFile.Parse(File,
        [
            "# a comment",
            "",
            "   socket   unix:/run/authmilter/milter.sock   # trailing comment",
            "MAXCONNECTIONS\t50",
            "OnError accept",
            "ShutdownTimeout 2m",
            "TrustedNetworks 192.0.2.0/24, 2001:db8::1",
            "AuthservId mx.example.com",
        ]);

        Assert.That(settings.Socket.UnixPath, Is.EqualTo("/run/authmilter/milter.sock"));
        Assert.That(settings.MaxConnections, Is.EqualTo(50));
        Assert.That(settings.OnError, Is.SameAs(MilterDecision.Accept));
        Assert.That(settings.ShutdownTimeout, Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(settings.TrustedNetworks, Is.EqualTo(new[] { IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("2001:db8::1/128") }));
        Assert.That(settings.AuthservId, Is.EqualTo("mx.example.com"));
    }

    [TestCase("Bogus yes", 1, "Bogus", "unknown key.")]
    [TestCase("MaxConection 5", 1, "MaxConection", "unknown key; did you mean MaxConnections?")]
    [TestCase("MaxConnections", 1, "MaxConnections", "no value (default: 1024).")]
    [TestCase("MaxConnections many", 1, "MaxConnections", "'many' is not a whole number.")]
    [TestCase("MaxConnections 0", 1, "MaxConnections", "0 is outside 1..100000.")]
    [TestCase("OnError maybe", 1, "OnError", "'maybe' is not one of tempfail, accept, reject.")]
    [TestCase("ShutdownTimeout 5 fortnights", 1, "ShutdownTimeout", "'5 fortnights' has an unknown unit (use ms, s, m, h or d).")]
    [TestCase("Socket tcp:25", 1, "Socket", "'tcp:25' is not inet:PORT@HOST, inet6:PORT@HOST, inet:HOST:PORT or unix:/absolute/path.")]
    [TestCase("TrustedNetworks 10.0.0.0/33", 1, "TrustedNetworks", "'10.0.0.0/33' is not an IP address or CIDR network (e.g. 192.0.2.0/24, 2001:db8::/32).")]
    [TestCase("SocketMode 0999", 1, "SocketMode", "'0999' is not an octal mode (e.g. 0660).")]
    public void Parse_BadLine_NamesFileLineKeyAndProblem(string line, int lineNumber, string key, string problem)
    {
        var exception = Assert.Throws<ConfigurationException>(() => MilterConfigFile.Parse(File, [line]))!;

        Assert.That(exception.Message, Is.EqualTo($"{File}:{lineNumber}: {key}: {problem}"));
        Assert.That((exception.File, exception.Line, exception.Key), Is.EqualTo((File, lineNumber, key)));
    }

    [Test]
    public void Parse_KeySetTwice_NamesBothLines()
    {
        var exception = Assert.Throws<ConfigurationException>(() => MilterConfigFile.Parse(File, ["LogLevel debug", "# x", "loglevel info"]))!;

        Assert.That(exception.Message, Is.EqualTo($"{File}:3: LogLevel: set again (first set on line 1)."));
    }

    [Test]
    public void Load_MissingFile_NamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"authmilter-missing-{Guid.NewGuid():N}.conf");

        var exception = Assert.Throws<ConfigurationException>(() => MilterConfigFile.Load(path))!;

        Assert.That(exception.Message, Does.StartWith($"{path}: cannot read the configuration file"));
    }

    [Test]
    public void Parse_ValueWithHashInside_KeepsIt()
    {
        var settings = MilterConfigFile.Parse(File, ["AuthservId mx#1.example"]);

        Assert.That(settings.AuthservId, Is.EqualTo("mx#1.example"));
    }

    [Test]
    public void Show_EveryKeyRoundTripsThroughParse()
    {
        var changed = MilterConfigFile.Parse(File, ["Socket inet6:9000@::1", "SocketOwner postfix:postfix", "IdleTimeout 90s", "LogTarget syslog", "OnError reject"]);
        var lines = ConfigKeys.All.Where(k => !k.Show(changed).StartsWith('(')).Select(k => $"{k.Name} {k.Show(changed)}").ToArray();

        var reparsed = MilterConfigFile.Parse(File, lines);

        Assert.That(ConfigKeys.All.Select(k => k.Show(reparsed)), Is.EqualTo(ConfigKeys.All.Select(k => k.Show(changed))));
    }
}
