namespace Milter.Packaging.Tests.Support;

/// <summary>How a <see cref="Command"/> ended.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Both streams, for failure messages.</summary>
    public string Output => StandardOutput + StandardError;
}
