namespace Milter.Packaging.Tests.Support;

/// <summary>Reads the <c>name = value</c> parameters of a main.cf (comments and blank lines skipped; no continuation lines).</summary>
public static class PostfixMainCf
{
    /// <summary>The parameters of <paramref name="path"/>, in file order.</summary>
    /// <exception cref="FormatException">A line is neither a comment nor <c>name = value</c>, or a name repeats.</exception>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            if (line.Split('=', 2) is not [var name, var value] || !parameters.TryAdd(name.Trim(), value.Trim()))
            {
                throw new FormatException($"{path}: not a new 'name = value' line: {line}");
            }
        }

        return parameters;
    }
}
