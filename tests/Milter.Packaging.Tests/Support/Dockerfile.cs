namespace Milter.Packaging.Tests.Support;

/// <summary>
/// The instructions of a Dockerfile: continuation lines joined, comments and parser directives dropped,
/// grouped by build stage (each starts at a FROM; ARGs before the first FROM are left out).
/// </summary>
public sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<IReadOnlyList<DockerInstruction>> stages) => Stages = stages;

    /// <summary>The build stages, in order; the last is the image.</summary>
    public IReadOnlyList<IReadOnlyList<DockerInstruction>> Stages { get; }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">An instruction other than ARG comes before the first FROM.</exception>
    public static Dockerfile Read(string path)
    {
        var stages = new List<List<DockerInstruction>>();
        var pending = string.Empty;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            pending += line.EndsWith('\\') ? line[..^1] + " " : line;
            if (line.EndsWith('\\') || pending.Trim().Length == 0)
            {
                continue;
            }

            var text = pending.Trim();
            pending = string.Empty;
            var split = text.IndexOf(' ', StringComparison.Ordinal);
            var instruction = new DockerInstruction(text[..split].ToUpperInvariant(), text[(split + 1)..].Trim());
            if (instruction.Keyword == "FROM")
            {
                stages.Add([instruction]);
            }
            else if (stages.Count > 0)
            {
                stages[^1].Add(instruction);
            }
            else if (instruction.Keyword != "ARG")
            {
                throw new FormatException($"{path}: {instruction.Keyword} before the first FROM.");
            }
        }

        return new Dockerfile(stages);
    }
}
