using System.Net;
using Milter.TestKit;
using YamlDotNet.RepresentationModel;

namespace Milter.Authentication.Tests.Spf;

/// <summary>Reads the openspf YAML suites from /work/shared (never copied into the repository).</summary>
public static class SpfSuiteLoader
{
    /// <summary>The path of a suite file: found from the test directory up to the folder of Milter.sln, then ../shared.</summary>
    public static string SuitePath(string fileName) => Path.GetFullPath(RepositoryPaths.SharedTestData("spf", fileName));

    /// <summary>Every test of every scenario in the file.</summary>
    public static IEnumerable<SpfSuiteCase> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            stream.Load(reader);
        }

        foreach (var document in stream.Documents)
        {
            var scenario = (YamlMappingNode)document.RootNode;
            var description = Scalar(scenario["description"]);
            var dns = BuildZone((YamlMappingNode)scenario["zonedata"]);
            foreach (var (key, value) in (YamlMappingNode)scenario["tests"])
            {
                var test = (YamlMappingNode)value;
                var results = test["result"] is YamlSequenceNode list
                    ? list.Select(Scalar).ToArray()
                    : [Scalar(test["result"])];
                test.Children.TryGetValue("explanation", out var explanation);
                yield return new SpfSuiteCase(
                    description, Scalar(key), Scalar(test["host"]), Scalar(test["mailfrom"]), Scalar(test["helo"]),
                    results, explanation is null ? null : Scalar(explanation), dns);
            }
        }
    }

    // SOURCE.md rules: SPF strings are published as TXT unless the name has a TXT entry (TXT: NONE included);
    // TIMEOUT times out the types not listed before it; copied TXT counts as listed after it.
    private static SuiteDnsResolver BuildZone(YamlMappingNode zone)
    {
        var dns = new SuiteDnsResolver();
        foreach (var (nameNode, entriesNode) in zone)
        {
            var name = Scalar(nameNode);
            dns.AddName(name);
            var spf = new List<string>();
            var hasTxt = false;
            var timeout = false;
            var answered = new List<string>();
            foreach (var entry in (YamlSequenceNode)entriesNode)
            {
                if (entry is YamlScalarNode { Value: "TIMEOUT" })
                {
                    timeout = true;
                    continue;
                }

                var (typeNode, value) = ((YamlMappingNode)entry).Children.Single();
                var type = Scalar(typeNode);
                var isMarker = value is YamlScalarNode { Value: "NONE" };
                if (!timeout && !isMarker)
                {
                    answered.Add(type);
                }

                switch (type)
                {
                    case "A" or "AAAA":
                        dns.AddAddress(name, IPAddress.Parse(Scalar(value)));
                        break;
                    case "MX":
                        var mx = (YamlSequenceNode)value;
                        dns.AddMx(name, int.Parse(Scalar(mx[0])), Scalar(mx[1]));
                        break;
                    case "PTR":
                        dns.AddPtr(name, Scalar(value));
                        break;
                    case "CNAME":
                        dns.AddCname(name, Scalar(value));
                        break;
                    case "TXT":
                        hasTxt = true;
                        if (!isMarker)
                        {
                            dns.AddTxt(name, Strings(value));
                        }

                        break;
                    case "SPF":
                        spf.Add(Strings(value));
                        break;
                    default:
                        throw new InvalidDataException($"Unknown record type {type} at {name}.");
                }
            }

            if (!hasTxt)
            {
                spf.ForEach(text => dns.AddTxt(name, text));
            }

            if (timeout)
            {
                dns.AddTimeout(name, answered);
            }
        }

        return dns;
    }

    // A list of character-strings is one record, concatenated without separator (RFC 7208 section 3.3).
    private static string Strings(YamlNode node) =>
        node is YamlSequenceNode parts ? string.Concat(parts.Select(Scalar)) : Scalar(node);

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? string.Empty;
}
