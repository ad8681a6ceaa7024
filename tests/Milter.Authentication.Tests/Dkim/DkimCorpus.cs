using Milter.Authentication.Dkim;
using Milter.Dns;
using Milter.TestKit;

namespace Milter.Authentication.Tests.Dkim;

/// <summary>Reads the DKIM test data in /work/shared/testdata/dkim (never copied into the repository).</summary>
public static class DkimCorpus
{
    /// <summary>The midpoint of the corpora's dates; none of their signatures has an x= before it except the expiry tests.</summary>
    public static readonly DateTimeOffset Now = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The path of a data file: found from the test directory up to the folder of Milter.sln, then ../shared.</summary>
    public static string PathOf(params string[] parts) => Path.GetFullPath(RepositoryPaths.SharedTestData(["dkim", .. parts]));

    /// <summary>The file with every bare LF turned into CRLF (CRLF left alone), as SOURCE.md prescribes before canonicalisation.</summary>
    public static byte[] ReadMessage(params string[] parts) => ToCrlf(File.ReadAllBytes(PathOf(parts)));

    /// <summary><paramref name="bytes"/> with every bare LF turned into CRLF.</summary>
    public static byte[] ToCrlf(byte[] bytes)
    {
        var output = new List<byte>(bytes.Length + bytes.Length / 20);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n' && (i == 0 || bytes[i - 1] != (byte)'\r'))
            {
                output.Add((byte)'\r');
            }

            output.Add(bytes[i]);
        }

        return [.. output];
    }

    /// <summary>
    /// A zone from <c>name value</c> lines (dns.txt) or Mail::DKIM's FAKE_DNS.dat: "#" and ";" lines are comments,
    /// NXDOMAIN leaves the name out, <c>~~error~~</c> makes every query of the name a temporary error, <c>""</c> is an empty TXT record.
    /// </summary>
    public static InMemoryDnsResolver LoadZone(params string[] parts)
    {
        var resolver = new InMemoryDnsResolver();
        foreach (var line in File.ReadAllLines(PathOf(parts)))
        {
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            var separator = line.IndexOfAny([' ', '\t']);
            var name = line[..separator];
            var value = line[separator..].Trim();
            if (value == "NXDOMAIN")
            {
                continue;
            }

            if (value.StartsWith("~~", StringComparison.Ordinal) && value.EndsWith("~~", StringComparison.Ordinal))
            {
                resolver.AddTemporaryError(name);
            }
            else
            {
                resolver.AddTxt(name, value == "\"\"" ? "" : value);
            }
        }

        return resolver;
    }

    /// <summary>Verifies <paramref name="message"/> (CRLF bytes) with a fresh checker on <paramref name="resolver"/> at <see cref="Now"/>.</summary>
    public static async Task<IReadOnlyList<DkimSignatureResult>> VerifyAsync(byte[] message, IDnsResolver resolver, DkimOptions? options = null)
    {
        var checker = new DkimChecker(resolver, options, new ManualClock(Now));
        using var stream = new MemoryStream(message, writable: false);
        return await checker.VerifyAsync(stream, CancellationToken.None);
    }

    /// <summary>One line per result, for assertion messages.</summary>
    public static string Describe(IEnumerable<DkimSignatureResult> results) =>
        string.Join("; ", results.Select(r => $"{r.Result} ({r.Reason}) d={r.Domain} s={r.Selector} a={r.Algorithm} bits={r.KeyBits}"));

    /// <summary>The rows of a tab-separated file with a header line, as column-name dictionaries.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, string>> ReadTsv(params string[] parts)
    {
        var lines = File.ReadAllLines(PathOf(parts));
        var columns = lines[0].Split('\t');
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split('\t');
            yield return columns.Select((column, i) => (column, cell: i < cells.Length ? cells[i] : ""))
                .ToDictionary(pair => pair.column, pair => pair.cell);
        }
    }
}
