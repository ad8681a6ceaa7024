using Milter.TestKit;

namespace Milter.Benchmarks;

/// <summary>Where <c>dotnet build src/Milter.Daemon -c Release</c> puts the daemon, the default of the modes that start it.</summary>
internal static class ReleaseDaemon
{
    /// <summary>src/Milter.Daemon/bin/Release/net10.0/authmilter.dll under the repository root.</summary>
    /// <exception cref="DirectoryNotFoundException">The repository root is not found.</exception>
    public static string Path => System.IO.Path.Combine(RepositoryPaths.Root, "src", "Milter.Daemon", "bin", "Release", "net10.0", "authmilter.dll");
}
