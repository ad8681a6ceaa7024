namespace Milter.Packaging.Tests.Support;

/// <summary>
/// The .deb built by <c>packaging/deb/build.sh</c>, once per test run: the self-contained publish takes minutes on a
/// small machine, so every test that needs the package shares this build. <see cref="PackagingSetup"/> deletes it.
/// </summary>
public static class DebPackage
{
    /// <summary>A self-contained publish and a package build on a busy 2-core machine.</summary>
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);

    private static readonly Lazy<Task<string>> Build = new(BuildAsync);

    /// <summary>The directory the package is built into.</summary>
    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), $"authmilter-deb-{Environment.ProcessId}");

    /// <summary>The path of <c>authmilter_VERSION_amd64.deb</c>, building it on first use.</summary>
    public static Task<string> PathAsync() => Build.Value;

    private static async Task<string> BuildAsync()
    {
        var result = await Command.RunAsync(Repository.PathOf("packaging", "deb", "build.sh"), ["--output", Directory], BuildTimeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"packaging/deb/build.sh exited with {result.ExitCode}:\n{result.Output}");
        }

        return System.IO.Directory.GetFiles(Directory, "authmilter_*_amd64.deb").Single();
    }
}
