namespace Milter.Daemon.Configuration;

/// <summary>A configuration problem; the message names the file, line and key, ready to print.</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception for a problem at <paramref name="file"/>:<paramref name="line"/> with key <paramref name="key"/>.</summary>
    public ConfigurationException(string file, int line, string? key, string problem)
        : base(key is null ? $"{file}:{line}: {problem}" : $"{file}:{line}: {key}: {problem}")
    {
        File = file;
        Line = line;
        Key = key;
    }

    /// <summary>Creates the exception for a problem with the file as a whole (e.g. it cannot be read).</summary>
    public ConfigurationException(string file, string problem)
        : base($"{file}: {problem}")
    {
        File = file;
    }

    /// <summary>The configuration file.</summary>
    public string File { get; }

    /// <summary>The 1-based line, or 0 when the problem is not on one line.</summary>
    public int Line { get; }

    /// <summary>The key concerned, if any.</summary>
    public string? Key { get; }
}
