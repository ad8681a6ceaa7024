using System.Globalization;

namespace Milter.TestKit.Browser;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>) in headless mode, one process per call with a fresh profile directory:
/// the DOM after load (<c>--dump-dom</c>) or a PNG screenshot (<c>--screenshot</c>). Sandbox off (tests run as root in
/// containers), GPU, QUIC, sync, component updates and background networking off so it talks to nothing but the page.
/// CI installs the package; there is no skip when it is missing.
/// </summary>
public sealed class HeadlessChromium
{
    /// <summary>Where Debian's <c>chromium</c> package installs the browser.</summary>
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary>Uses the browser at <paramref name="executable"/>.</summary>
    /// <param name="executable">The browser binary.</param>
    /// <param name="timeout">How long one call may take before the browser is killed; 60 s when null.</param>
    /// <exception cref="FileNotFoundException"><paramref name="executable"/> does not exist.</exception>
    public HeadlessChromium(string executable = DefaultPath, TimeSpan? timeout = null)
    {
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"{executable} not found: install Debian package chromium (apt-get install chromium).", executable);
        }

        Executable = executable;
        Timeout = timeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>The browser binary.</summary>
    public string Executable { get; }

    /// <summary>How long one call may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Loads <paramref name="page"/> and returns the serialized DOM once the page has loaded.</summary>
    /// <exception cref="TimeoutException">The browser did not finish within <see cref="Timeout"/>; it was killed.</exception>
    /// <exception cref="InvalidOperationException">The browser exited with an error.</exception>
    public async Task<string> DumpDomAsync(Uri page, CancellationToken cancellationToken = default)
    {
        var (_, stdout) = await RunAsync(["--dump-dom", page.AbsoluteUri], cancellationToken).ConfigureAwait(false);
        return stdout;
    }

    /// <summary>Loads <paramref name="page"/> in a window of <paramref name="width"/> × <paramref name="height"/> and writes a PNG of it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="TimeoutException">The browser did not finish within <see cref="Timeout"/>; it was killed.</exception>
    /// <exception cref="InvalidOperationException">The browser exited with an error or wrote no file.</exception>
    public async Task ScreenshotAsync(Uri page, string pngPath, int width, int height, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var fullPath = Path.GetFullPath(pngPath);
        File.Delete(fullPath);
        var (stderr, _) = await RunAsync(
            [
                "--hide-scrollbars",
                "--screenshot=" + fullPath,
                string.Create(CultureInfo.InvariantCulture, $"--window-size={width},{height}"),
                page.AbsoluteUri,
            ],
            cancellationToken).ConfigureAwait(false);
        if (!File.Exists(fullPath))
        {
            throw new InvalidOperationException($"Chromium wrote no screenshot to {fullPath}: {Tail(stderr)}");
        }
    }

    private async Task<(string Stderr, string Stdout)> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var profile = Directory.CreateTempSubdirectory("authmilter-chromium-");
        try
        {
            string[] all =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.FullName, .. arguments,
            ];
            var (exitCode, output, error) = await ExternalCommand.CaptureAsync(Executable, all, Timeout, null, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"Chromium exited with {exitCode} for {string.Join(' ', arguments)}: {Tail(error)}");
            }

            return (error, output);
        }
        finally
        {
            DeleteProfile(profile);
        }
    }

    private static void DeleteProfile(DirectoryInfo profile)
    {
        try
        {
            profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A crash handler child may still hold files for a moment; a leftover temp directory is harmless.
        }
    }

    private static string Tail(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(5));
    }
}
