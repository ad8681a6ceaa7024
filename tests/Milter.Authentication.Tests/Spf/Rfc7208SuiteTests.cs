using System.Net;
using Milter.Authentication.Spf;

namespace Milter.Authentication.Tests.Spf;

/// <summary>The openspf RFC 7208 test suite, one NUnit case per suite test.</summary>
public class Rfc7208SuiteTests
{
    // The suite's driver (pyspf) sets its default explanation to this literal, and tests expect it.
    private const string DefaultExplanation = "DEFAULT";

    // Explanations compared ignoring case, each with the reason.
    private static readonly Dictionary<string, string> CaseInsensitiveExplanations = new()
    {
        ["v-macro-ip6"] = "RFC 7208 section 7.4 expands %{ir} of an IPv6 address to lower-case nibbles; "
            + "the suite, written against pyspf, expects upper case. DNS names ignore case; only this text shows it.",
    };

    public static IEnumerable<TestCaseData> Cases() =>
        SpfSuiteLoader.Load(SpfSuiteLoader.SuitePath("rfc7208-tests.yml"))
            .Select(c => new TestCaseData(c).SetName($"Rfc7208Suite {c}"));

    [TestCaseSource(nameof(Cases))]
    public async Task CheckAsync_SuiteCase_GivesExpectedResult(SpfSuiteCase suiteCase)
    {
        var checker = new SpfChecker(suiteCase.Dns, new SpfOptions { DefaultExplanation = DefaultExplanation });

        var result = await checker.CheckAsync(
            IPAddress.Parse(suiteCase.Host), suiteCase.MailFrom, suiteCase.Helo, CancellationToken.None);

        var evaluation = result.MailFrom;
        Assert.That(ReceivedSpfHeader.Keyword(evaluation.Result), Is.AnyOf([.. suiteCase.Results]),
            $"problem: {evaluation.Problem}");
        if (suiteCase.Explanation is { } expected)
        {
            var comparison = Is.EqualTo(expected);
            Assert.That(evaluation.Explanation,
                CaseInsensitiveExplanations.ContainsKey(suiteCase.Name) ? comparison.IgnoreCase : comparison);
        }
    }
}
