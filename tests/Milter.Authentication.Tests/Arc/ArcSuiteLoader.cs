using Milter.Authentication.Tests.Dkim;
using Milter.Dns;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Milter.Authentication.Tests.Arc;

/// <summary>Reads /work/shared/testdata/arc/arc-draft-validation-tests.yml (never copied into the repository).</summary>
public static class ArcSuiteLoader
{
    /// <summary>The path of a file of the ARC test data: beside the DKIM data, found the same way.</summary>
    public static string PathOf(string fileName) => DkimCorpus.PathOf("..", "arc", fileName);

    /// <summary>
    /// Every test of every scenario, in file order. Read as an event stream rather than a document model because the
    /// file repeats some test names within one scenario (as_fields_b_head_case and four more): each occurrence is a test.
    /// </summary>
    public static IEnumerable<ArcSuiteCase> Load()
    {
        using var reader = new StringReader(BlankAfterBlockIndicators(File.ReadAllLines(PathOf("arc-draft-validation-tests.yml"))));
        var parser = new Parser(reader);
        parser.Consume<StreamStart>();
        var cases = new List<ArcSuiteCase>();
        while (parser.TryConsume<DocumentStart>(out _))
        {
            var scenario = ReadMapping(parser);
            var description = Text(scenario, "description");
            var records = ((List<KeyValuePair<string, object>>)Value(scenario, "txt-records"))
                .Select(record => KeyValuePair.Create(record.Key, (string)record.Value)).ToList();
            foreach (var (name, value) in (List<KeyValuePair<string, object>>)Value(scenario, "tests"))
            {
                var test = (List<KeyValuePair<string, object>>)value;
                cases.Add(new ArcSuiteCase(description, name, Text(test, "description"), Text(test, "message"), Text(test, "cv"), records));
            }

            parser.Consume<DocumentEnd>();
        }

        return cases;
    }

    /// <summary>
    /// A zone serving the records as TXT. Values that YAML folded keep line breaks or spaces inside <c>p=</c>; they
    /// are taken out, as SOURCE.md prescribes (RFC 6376 allows folding white space in tag values).
    /// </summary>
    public static InMemoryDnsResolver Zone(IEnumerable<KeyValuePair<string, string>> records)
    {
        var resolver = new InMemoryDnsResolver();
        foreach (var (name, value) in records)
        {
            resolver.AddTxt(name, string.Concat(value.Where(c => !char.IsWhiteSpace(c))));
        }

        return resolver;
    }

    // Three tests write their empty cv as "cv: |" and a line of six spaces, which YamlDotNet rejects ("extra spaces in
    // first line") where PyYAML, the suite's own reader, reads "". Such a line is emptied; no message line is touched.
    private static string BlankAfterBlockIndicators(string[] lines)
    {
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length > 0 && string.IsNullOrWhiteSpace(lines[i]) && lines[i - 1].TrimEnd().EndsWith('|'))
            {
                lines[i] = "";
            }
        }

        return string.Join('\n', lines);
    }

    private static string Text(List<KeyValuePair<string, object>> mapping, string key) => (string)Value(mapping, key);

    private static object Value(List<KeyValuePair<string, object>> mapping, string key) => mapping.First(pair => pair.Key == key).Value;

    private static List<KeyValuePair<string, object>> ReadMapping(IParser parser)
    {
        parser.Consume<MappingStart>();
        var pairs = new List<KeyValuePair<string, object>>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var key = parser.Consume<Scalar>().Value;
            pairs.Add(KeyValuePair.Create(key, parser.Accept<MappingStart>(out _) ? (object)ReadMapping(parser) : parser.Consume<Scalar>().Value));
        }

        return pairs;
    }
}
