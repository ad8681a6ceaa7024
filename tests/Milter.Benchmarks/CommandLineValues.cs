using System.Globalization;

namespace Milter.Benchmarks;

/// <summary>Value parsers shared by the command lines of the modes.</summary>
internal static class CommandLineValues
{
    /// <summary>Parses a decimal integer in <paramref name="min"/>..<paramref name="max"/>.</summary>
    /// <exception cref="FormatException">The text is not such an integer; the message names <paramref name="name"/>.</exception>
    public static int ParseInt(string text, int min, int max, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"{name} must be an integer in {min}..{max}.");

    /// <summary>Parses <c>30s</c>, <c>500ms</c>, <c>2m</c> or plain seconds.</summary>
    /// <exception cref="FormatException">The text is not such a duration, or it is longer than a day.</exception>
    public static TimeSpan ParseDuration(string text)
    {
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ => (text, 1.0),
        };
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= 0 && value * scale <= 86_400
            ? TimeSpan.FromSeconds(value * scale)
            : throw new FormatException($"'{text}' is not a duration like 30s, 500ms or 2m.");
    }
}
