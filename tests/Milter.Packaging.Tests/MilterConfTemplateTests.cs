using Milter.ConfGen;
using Milter.Daemon.Configuration;

namespace Milter.Packaging.Tests;

/// <summary>The packaged milter.conf documents every key of the daemon, and reads back as the defaults.</summary>
public class MilterConfTemplateTests
{
    [Test]
    public void Render_NoSettings_DocumentsEveryKeyWithItsMeaningAndDefault()
    {
        var lines = MilterConfTemplate.Render([]).Split('\n');

        Assert.Multiple(() =>
        {
            foreach (var key in ConfigKeys.All)
            {
                var index = Array.IndexOf(lines, MilterConfTemplate.DefaultLine(key));
                Assert.That(index, Is.GreaterThan(0), $"{key.Name}: no default line");
                var comment = string.Join(' ', lines.Take(index).Reverse().TakeWhile(l => l.StartsWith("# ", StringComparison.Ordinal)).Reverse().Select(l => l[2..]));
                Assert.That(comment, Is.EqualTo(key.Description), $"{key.Name}: the comment above its default");
            }
        });
    }

    [Test]
    public void Render_NoSettings_ReadsBackAsTheDefaults()
    {
        var text = MilterConfTemplate.Render([]);

        var settings = MilterConfigFile.Parse("milter.conf", text.Split('\n'));

        Assert.That(ConfigKeys.All.Select(k => k.Show(settings)), Is.EqualTo(ConfigKeys.All.Select(k => k.Default)));
    }

    [Test]
    public void Render_UncommentingEveryLiteralDefault_ReadsBackAsTheDefaults()
    {
        var lines = MilterConfTemplate.Render([]).Split('\n')
            .Select(l => l.StartsWith('#') && !l.StartsWith("# ", StringComparison.Ordinal) && !l.TrimEnd().EndsWith(')') ? l[1..] : l)
            .ToArray();

        var settings = MilterConfigFile.Parse("milter.conf", lines);

        Assert.Multiple(() =>
        {
            Assert.That(lines.Count(l => l.Length > 0 && !l.StartsWith('#')), Is.GreaterThan(ConfigKeys.All.Count / 2));
            Assert.That(ConfigKeys.All.Select(k => k.Show(settings)), Is.EqualTo(ConfigKeys.All.Select(k => k.Default)));
        });
    }

    [Test]
    public void Render_HostDependentDefault_IsDescribedNotCopied()
    {
        var text = MilterConfTemplate.Render([]);

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("#AuthservId             " + MilterConfTemplate.HostNameDefault + "\n"));
            Assert.That(text, Does.Not.Contain(" " + System.Net.Dns.GetHostName() + "\n"));
        });
    }

    [Test]
    public void Render_Setting_IsActiveBelowItsDefault()
    {
        var text = MilterConfTemplate.Render([new("socket", "inet:8895@0.0.0.0")]);

        var settings = MilterConfigFile.Parse("milter.conf", text.Split('\n'));

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("#Socket                 inet:8895@127.0.0.1\nSocket                  inet:8895@0.0.0.0\n"));
            Assert.That(settings.Socket.Text, Is.EqualTo("inet:8895@0.0.0.0"));
        });
    }

    [TestCase("Sockt", "inet:1@127.0.0.1", "Sockt: unknown key.")]
    [TestCase("MaxConnections", "many", "MaxConnections: ")]
    public void Render_BadSetting_Throws(string name, string value, string message)
    {
        Assert.That(() => MilterConfTemplate.Render([new(name, value)]), Throws.TypeOf<FormatException>().With.Message.StartsWith(message));
    }

    [Test]
    public void Render_SameKeyTwice_Throws()
    {
        Assert.That(
            () => MilterConfTemplate.Render([new("LogLevel", "info"), new("loglevel", "debug")]),
            Throws.TypeOf<FormatException>().With.Message.EqualTo("LogLevel: set twice."));
    }

    [Test]
    public void Render_LongDescriptions_WrapWithinTheLineWidth()
    {
        var text = MilterConfTemplate.Render([]);

        Assert.That(text.Split('\n').Where(l => l.StartsWith("# ", StringComparison.Ordinal)), Has.All.Length.LessThanOrEqualTo(MilterConfTemplate.LineWidth));
    }
}
