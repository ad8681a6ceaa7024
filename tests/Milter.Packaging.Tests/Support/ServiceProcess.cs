using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Milter.Packaging.Tests.Support;

/// <summary>
/// A daemon started as its systemd unit would start it where systemd is not running: the unit's <c>ExecStart</c>
/// as its <c>User</c> and <c>Group</c> with their supplementary groups and, for <c>NoNewPrivileges=yes</c>, no new
/// privileges (util-linux <c>setpriv</c>, which executes the command in place, so signals reach the daemon itself).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process) => _process = process;

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

    /// <summary>Starts the <c>[Service]</c> of <paramref name="unit"/>.</summary>
    public static ServiceProcess Start(SystemdUnit unit)
    {
        var info = new ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] privileges = [$"--reuid={unit.Value("Service", "User")}", $"--regid={unit.Value("Service", "Group")}", "--init-groups"];
        foreach (var argument in privileges.Concat(unit.Value("Service", "NoNewPrivileges") == "yes" ? ["--no-new-privs"] : []).Append("--"))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var word in unit.Value("Service", "ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            info.ArgumentList.Add(word);
        }

        var process = new Process { StartInfo = info };
        var service = new ServiceProcess(process);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/>, or the process ended; the message holds the output.</exception>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"The daemon did not write '{text}':\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGTERM, as <c>systemctl stop</c> does, and returns the exit code.</summary>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="timeout"/>.</exception>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        await Command.RunCheckedAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], timeout);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The daemon did not exit after SIGTERM:\n{Output}");
        }

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
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
