namespace Milter.ConfGen;

/// <summary><c>authmilter-confgen [--set Key=Value]... OUTPUT</c>: writes the packaged milter.conf.</summary>
public static class Program
{
    private const string Usage = "usage: authmilter-confgen [--set Key=Value]... OUTPUT";

    /// <summary>Entry point: 0 on success, 64 (EX_USAGE) on a bad argument or setting.</summary>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new List<KeyValuePair<string, string>>();
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--set" && i + 1 < args.Length && args[i + 1].Split('=', 2) is [var name, var value])
            {
                settings.Add(new(name, value));
                i++;
            }
            else if (output is null && !args[i].StartsWith('-'))
            {
                output = args[i];
            }
            else
            {
                Console.Error.WriteLine($"authmilter-confgen: unexpected argument '{args[i]}'.\n{Usage}");
                return 64;
            }
        }

        if (output is null)
        {
            Console.Error.WriteLine(Usage);
            return 64;
        }

        try
        {
            File.WriteAllText(output, MilterConfTemplate.Render(settings));
            return 0;
        }
        catch (FormatException exception)
        {
            Console.Error.WriteLine($"authmilter-confgen: {exception.Message}");
            return 64;
        }
    }
}
