using Milter.Daemon.Configuration;
using Milter.TestKit;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Configuration;

/// <summary>Keeps the README's configuration reference true to the code: every key, its default and meaning.</summary>
public class ReadmeConfigTableTests
{
    [Test]
    public void Readme_ConfigurationTable_HasARowForEveryKey()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var expected = ConfigKeys.All.Select(Row).ToArray();

        var missing = expected.Where(row => !readme.Contains(row, StringComparison.Ordinal)).ToArray();

        Assert.That(missing, Is.Empty, "README rows to add or correct:\n" + string.Join('\n', missing));
    }

    /// <summary>The README row of a key; host-dependent defaults are described rather than shown.</summary>
    internal static string Row(ConfigKey key)
    {
        var value = key.Name switch
        {
            "AuthservId" or "ReportOrgName" => "host name",
            "ReportContact" => "postmaster@host name",
            _ => key.Default,
        };
        return $"| `{key.Name}` | `{value}` | {key.Description} |";
    }
}
