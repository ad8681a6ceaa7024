using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Milter.TestKit.Daemon;

/// <summary>
/// The real <c>authmilter</c> executable started as a child process with a milter.conf written for the test.
/// The test project must reference Milter.Daemon, so that authmilter.dll sits next to the tests.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private const string HistoryFileName = "history.db";

    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _directory;

    private DaemonProcess(System.Diagnostics.Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    /// <summary>Everything the daemon wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A TCP port on loopback that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The process id, for reading its statistics from /proc.</summary>
    public int Id => _process.Id;

    /// <summary>Starts the <c>authmilter</c> built next to the tests with <paramref name="arguments"/>; <paramref name="config"/> lines, if given, become --config.</summary>
    public static DaemonProcess Start(IEnumerable<string>? config, params string[] arguments) =>
        StartAt(Path.Combine(AppContext.BaseDirectory, "authmilter.dll"), config, arguments);

    /// <summary>
    /// Starts the <c>authmilter.dll</c> at <paramref name="daemonPath"/> (e.g. a Release build) like <see cref="Start"/>.
    /// Unless <paramref name="config"/> sets <c>ReportStore</c>, the report history goes to <c>history.db</c> in
    /// <see cref="ConfigDirectory"/> (<see cref="HistoryDatabase"/>), never to the default under /var/lib. Without
    /// <paramref name="config"/> nothing is added: such callers pass their own --config or a command that runs no daemon.
    /// </summary>
    public static DaemonProcess StartAt(string daemonPath, IEnumerable<string>? config, params string[] arguments)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("authmilter-test-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(daemonPath);
        if (config is not null)
        {
            var path = Path.Combine(directory, "milter.conf");
            var lines = config.ToList();
            if (!lines.Any(line => line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries) is [var key, ..] && key.Equals("ReportStore", StringComparison.OrdinalIgnoreCase)))
            {
                lines.Add($"ReportStore sqlite:{Path.Combine(directory, HistoryFileName)}");
            }

            File.WriteAllLines(path, lines);
            info.ArgumentList.Add("--config");
            info.ArgumentList.Add(path);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Launch(info, directory);
    }

    /// <summary>
    /// Starts any command line that runs the daemon (e.g. a packaged unit's <c>ExecStart</c> under <c>setpriv</c>),
    /// collecting its output like <see cref="Start"/>; <see cref="ConfigDirectory"/> is an empty temporary directory.
    /// </summary>
    public static DaemonProcess StartCommand(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Launch(info, System.IO.Directory.CreateTempSubdirectory("authmilter-test-").FullName);
    }

    private static DaemonProcess Launch(ProcessStartInfo info, string directory)
    {
        var process = new System.Diagnostics.Process { StartInfo = info };
        var daemon = new DaemonProcess(process, directory);
        process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>The temporary directory holding the config (and anything else the test puts there).</summary>
    public string ConfigDirectory => _directory;

    /// <summary>Where the report history is when the test's config did not set <c>ReportStore</c>.</summary>
    public string HistoryDatabase => Path.Combine(_directory, HistoryFileName);

    /// <summary>Waits until the daemon logged that it listens.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/>; the message holds its output.</exception>
    public async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var done = await Task.WhenAny(_listening.Task, exited, Task.Delay(timeout));
        if (done != _listening.Task)
        {
            throw new TimeoutException($"authmilter did not start listening:\n{Output}");
        }
    }

    /// <summary>Waits until the daemon's output contains <paramref name="text"/> (its log is written asynchronously).</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/>; the message holds the output.</exception>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"authmilter did not write '{text}':\n{Output}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Sends SIGTERM, as systemd does on stop.</summary>
    public void Terminate()
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to end.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"authmilter did not exit:\n{Output}");
        }

        // The asynchronous output readers may still be draining; WaitForExit() without a timeout waits for them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        System.IO.Directory.Delete(_directory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Listening on", StringComparison.Ordinal))
        {
            _listening.TrySetResult();
        }
    }
}
