using Milter.Daemon.Configuration;

namespace Milter.Daemon.Cli;

/// <summary>Loads the configuration for the daemon and the subcommands: built-in defaults without a path.</summary>
internal static class SettingsLoader
{
    /// <summary>The settings, or null after printing the configuration error to <paramref name="error"/> (exit with <see cref="ExitCodes.Config"/>).</summary>
    public static MilterSettings? TryLoad(string? path, TextWriter error)
    {
        try
        {
            return path is null ? new MilterSettings() : MilterConfigFile.Load(path);
        }
        catch (ConfigurationException exception)
        {
            error.WriteLine($"authmilter: {exception.Message}");
            return null;
        }
    }
}
