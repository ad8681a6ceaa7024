namespace Milter.Daemon.Configuration;

/// <summary>One milter.conf key: its name, default, meaning, and how it reads into and shows from <see cref="MilterSettings"/>.</summary>
/// <param name="Name">The key as documented (names are matched case-insensitively).</param>
/// <param name="Section">The README/--check group it belongs to.</param>
/// <param name="Description">One sentence for admins: what it does and the accepted values.</param>
/// <param name="Apply">Reads a value into the settings; throws <see cref="FormatException"/> with the reason when it is bad.</param>
/// <param name="Show">The effective value as it would be written in milter.conf.</param>
public sealed record ConfigKey(
    string Name,
    string Section,
    string Description,
    Action<MilterSettings, string> Apply,
    Func<MilterSettings, string> Show)
{
    /// <summary>The value this key has when milter.conf does not set it.</summary>
    public string Default => Show(new MilterSettings());
}
