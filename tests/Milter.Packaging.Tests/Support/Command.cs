using System.Diagnostics;

namespace Milter.Packaging.Tests.Support;

/// <summary>Runs a program to completion and captures its output.</summary>
public static class Command
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> (no shell) and returns its exit code and output.</summary>
    /// <exception cref="TimeoutException">It did not finish within <paramref name="timeout"/>; it is killed.</exception>
    public static async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
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

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} could not be started.");
        using var cancel = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>As <see cref="RunAsync"/>, and asserts exit code 0.</summary>
    public static async Task<CommandResult> RunCheckedAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await RunAsync(program, arguments, timeout, environment);
        Assert.That(result.ExitCode, Is.Zero, $"{program} {string.Join(' ', arguments)}\n{result.Output}");
        return result;
    }
}
