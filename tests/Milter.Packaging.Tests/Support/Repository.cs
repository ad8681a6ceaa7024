namespace Milter.Packaging.Tests.Support;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class Repository
{
    /// <summary>The directory holding Milter.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path below <see cref="Root"/>.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Milter.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("No Milter.sln above the test directory.");
    }
}
