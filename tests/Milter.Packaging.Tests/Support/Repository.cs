using Milter.TestKit;

namespace Milter.Packaging.Tests.Support;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class Repository
{
    /// <summary>A path below the directory holding Milter.sln.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([RepositoryPaths.Root, .. parts]);
}
