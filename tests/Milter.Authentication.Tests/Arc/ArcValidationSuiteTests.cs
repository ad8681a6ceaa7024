using System.Text;
using Milter.Authentication.Arc;
using Milter.Authentication.Dkim;
using Milter.Authentication.Tests.Dkim;

namespace Milter.Authentication.Tests.Arc;

/// <summary>
/// Every test of the ValiMail ARC validation suite (arc-draft-validation-tests.yml), each message checked as the last
/// receiver would with the scenario's key records. Where RFC 8617 (or our RFC 8301 policy) answers differently from
/// the draft-era suite, the test's name says so and the RFC answer is asserted.
/// </summary>
public class ArcValidationSuiteTests
{
    // The suite expects "" (its reference runner stopped early); RFC 8617 section 5.2 steps 2 and 3 make these fail.
    private static readonly HashSet<string> EmptyExpectationIsFail = ["cv_fail_i1_as_cv_fail", "cv_fail_i2_as2_fail", "cv_fail_i2_as1_fail"];

    // Where the RFC answer differs from the suite's, and why.
    private static readonly Dictionary<string, (ArcChainResult Expected, string Why)> RfcAnswers = new()
    {
        // Also the case where the fastmail/mail-dkim copy of the suite disagrees with this one (SOURCE.md).
        ["ams_fields_c_na"] = (ArcChainResult.Fail, "RFC 6376 section 3.5, kept by RFC 8617: no c= means simple/simple, under which this AMS does not verify"),
    };

    public static IEnumerable<TestCaseData> Cases()
    {
        // Four names occur twice in one scenario with different messages (PyYAML would keep only the second): both run.
        var seen = new HashSet<string>();
        foreach (var test in ArcSuiteLoader.Load())
        {
            var (expected, note) = Expected(test);
            var name = seen.Add(test.Name) ? test.Name : test.Name + " (second of that name)";
            yield return new TestCaseData(test, expected)
                .SetName($"{test.Scenario}: {name} -> {expected.ToString().ToLowerInvariant()}{note}")
                .SetDescription(test.Description);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task VerifyAsync_SuiteCase_ExpectedChainResult(ArcSuiteCase test, ArcChainResult expected)
    {
        var checker = new ArcChecker(new DnsDkimPublicKeyLocator(ArcSuiteLoader.Zone(test.TxtRecords)));
        using var message = new MemoryStream(DkimCorpus.ToCrlf(Encoding.UTF8.GetBytes(test.Message)), writable: false);

        var result = await checker.VerifyAsync(message, CancellationToken.None);

        Assert.That(result.Result, Is.EqualTo(expected), $"{test.Description}; reason: {result.Reason}");
    }

    private static (ArcChainResult Expected, string Note) Expected(ArcSuiteCase test)
    {
        if (RfcAnswers.TryGetValue(test.Name, out var answer))
        {
            return (answer.Expected, $" (suite: {test.ExpectedCv.ToLowerInvariant()}; {answer.Why})");
        }

        if (test.ExpectedCv.Length == 0)
        {
            Assert.That(EmptyExpectationIsFail, Does.Contain(test.Name), "an empty cv that SOURCE.md does not name");
            return (ArcChainResult.Fail, " (suite: empty cv; RFC 8617 section 5.2: fail)");
        }

        return (Enum.Parse<ArcChainResult>(test.ExpectedCv, ignoreCase: true), "");
    }
}
