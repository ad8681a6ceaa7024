using System.Diagnostics;
using System.Text;

namespace Milter.Benchmarks.BigMessage;

/// <summary>The real authmilter daemon as a child process (<c>dotnet authmilter.dll --config FILE</c>), its output kept.</summary>
internal sealed class AuthmilterProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AuthmilterProcess(Process process) => _process = process;

    /// <summary>The daemon's process id, for /proc.</summary>
    public int Id => _process.Id;

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

    /// <summary>Starts <paramref name="daemonPath"/> with <c>--config</c> <paramref name="configPath"/>.</summary>
    /// <exception cref="FileNotFoundException"><paramref name="daemonPath"/> does not exist.</exception>
    public static AuthmilterProcess Start(string daemonPath, string configPath)
    {
        if (!File.Exists(daemonPath))
        {
            throw new FileNotFoundException($"{daemonPath} not found: build it with 'dotnet build src/Milter.Daemon -c Release' or give --daemon.", daemonPath);
        }

        var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { daemonPath, "--config", configPath },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        var daemon = new AuthmilterProcess(process);
        process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Waits until the daemon logs "Listening on".</summary>
    /// <exception cref="TimeoutException">It exited or did not listen within <paramref name="timeout"/>; the message holds its output.</exception>
    public async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_listening.Task, _process.WaitForExitAsync(), Task.Delay(timeout)).ConfigureAwait(false);
        if (done != _listening.Task)
        {
            throw new TimeoutException($"authmilter did not start listening:\n{Output}");
        }
    }

    /// <summary>Kills the daemon (by its pid) if it still runs.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
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
