using System.Diagnostics;

namespace Milter.TestKit;

/// <summary>
/// Runs a command-line tool (postfix, postqueue, miltertest, swaks, initdb, chromium…) to completion and collects
/// its output.
/// </summary>
public static class ExternalCommand
{
    /// <summary>Runs <paramref name="program"/> with stdin closed and returns its exit code and stdout followed by stderr.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program cannot be started (not installed).</exception>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="timeout"/>; it was killed with its children.</exception>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        var (exitCode, standardOutput, standardError) = await CaptureAsync(program, arguments, timeout, null, cancellationToken).ConfigureAwait(false);
        return (exitCode, standardOutput + standardError);
    }

    /// <summary>
    /// Runs <paramref name="program"/> with stdin closed, in <paramref name="workingDirectory"/> when given, and returns
    /// its exit code, stdout and stderr apart. Both pipes are drained while it runs, so a chatty program never blocks.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program cannot be started (not installed).</exception>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="timeout"/>; it was killed with its children.</exception>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> CaptureAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}; it was killed.");
        }
    }
}
