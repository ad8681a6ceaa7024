using Milter.Authentication.Results;
using Milter.TestKit;
using MimeKit.Cryptography;
using YamlDotNet.RepresentationModel;
using OurResult = Milter.Authentication.Results.AuthenticationMethodResult;

namespace Milter.Authentication.Tests.Results;

/// <summary>
/// RFC 8601 Appendix B (../shared/testdata/authres): the authserv-id we read to find forged headers, and the
/// header we write, round-tripped through MimeKit's parser (the one ARC reads sealed results with).
/// </summary>
public class Rfc8601AppendixBTests
{
    public static IEnumerable<TestCaseData> Cases()
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(RepositoryPaths.SharedTestData("authres", "rfc8601-appendix-b.yml")))
        {
            stream.Load(reader);
        }

        foreach (YamlMappingNode entry in (YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["cases"])
        {
            var header = ((YamlScalarNode)entry["header"]).Value!;
            var value = header[(header.IndexOf(':') + 1)..].TrimEnd('\n').Replace("\n", "\r\n", StringComparison.Ordinal);
            var expect = (YamlMappingNode)entry["expect"];
            var id = ((YamlScalarNode)entry["id"]).Value!;
            yield return new TestCaseData(value, ((YamlScalarNode)expect["authserv_id"]).Value!).SetName($"Rfc8601AppendixB {id}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void ReadAuthservId_AppendixBField_IsTheRfcAuthservId(string value, string authservId) =>
        Assert.That(AuthenticationResultsHeader.ReadAuthservId(value), Is.EqualTo(authservId));

    [TestCaseSource(nameof(Cases))]
    public void Format_AppendixBResults_ParseBackToTheSameResults(string value, string authservId)
    {
        Assert.That(AuthenticationResults.TryParse(System.Text.Encoding.UTF8.GetBytes(value), out var parsed), Is.True, "MimeKit parses the RFC example");
        var ours = parsed!.Results
            .Select(r => new OurResult(r.Method, r.Result, null, r.Properties.Select(p => new KeyValuePair<string, string>($"{p.PropertyType}.{p.Property}", p.Value)).ToArray(), r.Reason))
            .ToArray();

        var written = AuthenticationResultsHeader.Format(authservId, ours);

        Assert.That(AuthenticationResults.TryParse(System.Text.Encoding.UTF8.GetBytes(written), out var reparsed), Is.True, written);
        Assert.That(reparsed!.AuthenticationServiceIdentifier, Is.EqualTo(authservId));
        Assert.That(Describe(reparsed), Is.EqualTo(Describe(parsed)), written);
    }

    [TestCase("(comment) mx.example.org; spf=pass", "mx.example.org")]
    [TestCase("\"quoted.example\"; none", "quoted.example")]
    [TestCase("; spf=pass", null)]
    [TestCase("   ", null)]
    public void ReadAuthservId_Edges_AreHandled(string value, string? expected) =>
        Assert.That(AuthenticationResultsHeader.ReadAuthservId(value), Is.EqualTo(expected));

    private static string[] Describe(AuthenticationResults results) =>
        results.Results.Select(r => $"{r.Method}={r.Result} reason={r.Reason} " + string.Join(' ', r.Properties.Select(p => $"{p.PropertyType}.{p.Property}={p.Value}"))).ToArray();
}
