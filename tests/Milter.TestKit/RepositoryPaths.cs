namespace Milter.TestKit;

/// <summary>Finds the repository and the read-only third-party test data beside it (<c>../shared/testdata</c>).</summary>
public static class RepositoryPaths
{
    /// <summary>The directory holding Milter.sln, found by walking up from the test binaries.</summary>
    /// <exception cref="DirectoryNotFoundException">No Milter.sln above <see cref="AppContext.BaseDirectory"/>.</exception>
    public static string Root
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Milter.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new DirectoryNotFoundException($"No Milter.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>A path under <c>../shared/testdata</c>, e.g. <c>SharedTestData("dkim", "rfc8463", "dns.txt")</c>.</summary>
    public static string SharedTestData(params string[] parts) => Path.Combine([Root, "..", "shared", "testdata", .. parts]);
}
