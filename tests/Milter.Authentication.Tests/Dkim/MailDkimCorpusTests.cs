using Milter.Authentication.Dkim;
using static Milter.Authentication.Dkim.DkimResult;

namespace Milter.Authentication.Tests.Dkim;

/// <summary>
/// Every message of the Mail::DKIM corpus with FAKE_DNS.dat, twice: with the defaults, and with rsa-sha1 allowed so
/// the key-record, DNS-failure and expiry cases behind the many rsa-sha1 signatures are reached. Where Mail::DKIM is
/// more permissive (rsa-sha1, 512-bit keys, pre-RFC 6376 v= tags, x= expiry), our stricter answer is asserted and the
/// test's name says so.
/// </summary>
public class MailDkimCorpusTests
{
    private const string NoVersion = "signature has no v= tag";
    private const string DraftVersion = "unsupported signature version v=0.5";
    private const string Sha1 = "rsa-sha1 is not accepted (RFC 8301 section 3.1)";
    private const string ShortKey = "RSA key of 512 bits is under the 1024-bit minimum (RFC 8301 section 3.2)";
    private const string Verified = "signature verified";

    // Per file: the results of its signatures in order with the defaults, and with rsa-sha1 allowed (null: the same).
    private static readonly Dictionary<string, (Expected[] Strict, Expected[]? Sha1Allowed)> Expectations = new()
    {
        ["bad_1.txt"] = ([new(PermError, NoVersion)], null),
        ["bad_1878954.txt"] = ([new(Policy, Sha1)], [new(Fail, "body hash did not verify")]),
        ["bad_ietf01_1.txt"] = ([new(PermError, NoVersion)], null),
        ["bad_ietf01_2.txt"] = ([new(PermError, NoVersion)], null),
        ["bad_ietf01_3.txt"] = ([new(PermError, NoVersion)], null),
        ["badkey1_ed25519.txt"] = ([new(PermError, "ed25519 key data is 44 octets, not 32")], null),
        ["badkey2_ed25519.txt"] = ([new(Fail, "signature did not verify")], null),
        ["badkey3_ed25519.txt"] = ([new(Fail, "body hash did not verify")], null),
        ["badkey4_ed25519.txt"] = ([new(PermError, "no key: 2023-05-ed25519-does-not-exist._domainkey.wander.science does not exist (NXDOMAIN)")], null),
        ["badkey5_ed25519.txt"] = ([new(PermError, "key record has no p= tag")], null),
        ["badkey_1.txt"] = ([new(PermError, DraftVersion)], null),
        ["badkey_10.txt"] = ([new(Policy, Sha1)], [new(PermError, "key has t=s but i= domain subdomain.messiah.edu is not d=messiah.edu")]),
        ["badkey_11.txt"] = ([new(PermError, "key record h= does not allow sha256")], null),
        ["badkey_12.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["badkey_13.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["badkey_14.txt"] = ([new(Policy, Sha1)], [new(TempError, "key lookup failed")]),
        ["badkey_15.txt"] = ([new(Policy, Sha1)], [new(TempError, "key lookup failed")]),
        ["badkey_2.txt"] = ([new(PermError, DraftVersion)], null),
        ["badkey_3.txt"] = ([new(PermError, DraftVersion)], null),
        ["badkey_4.txt"] = ([new(PermError, DraftVersion)], null),
        ["badkey_5.txt"] = ([new(PermError, DraftVersion)], null),
        ["badkey_6.txt"] = ([new(PermError, DraftVersion)], null),
        ["badkey_7.txt"] = ([new(PermError, DraftVersion)], null),
        ["badkey_8.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["badkey_9.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["good_1878523.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["good_83176.txt"] = ([new(Policy, Sha1)], [new(Pass, Verified)]),
        ["good_ietf00_1.txt"] = ([new(PermError, NoVersion)], null),
        ["good_ietf00_2.txt"] = ([new(PermError, NoVersion)], null),
        ["good_ietf00_3.txt"] = ([new(PermError, NoVersion)], null),
        ["good_ietf00_4.txt"] = ([new(PermError, NoVersion)], null),
        ["good_ietf00_5.txt"] = ([new(PermError, NoVersion)], null),
        ["good_ietf01_1.txt"] = ([new(PermError, NoVersion)], null),
        ["good_ietf01_2.txt"] = ([new(PermError, NoVersion)], null),
        ["good_qp_1.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["good_qp_2.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["good_qp_3.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["good_rfc4871_3.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["good_rfc4871_4.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["goodkey_1.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["goodkey_2.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["goodkey_3.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["goodkey_4.txt"] = ([new(Policy, Sha1)], [new(Policy, ShortKey)]),
        ["goodkey_ed25519.txt"] = ([new(Pass, Verified)], null),
        ["ignore_1.txt"] = ([new(PermError, "unsupported signature version v=5")], null),
        ["ignore_2.txt"] = ([new(PermError, DraftVersion)], null),
        ["ignore_3.txt"] = ([new(PermError, DraftVersion)], null),
        ["ignore_4.txt"] = ([new(PermError, DraftVersion)], null),
        ["ignore_5.txt"] = ([new(PermError, "unsupported query method q=http")], null),
        ["ignore_6.txt"] = ([new(PermError, "unsupported query method q=dns/special")], null),
        ["ignore_7.txt"] = ([new(Policy, Sha1)], [new(Policy, "signature expired at 2007-10-24 12:45:46Z (x=)")]),
        ["ignore_8.txt"] = ([new(PermError, "i= domain example.org is not d=messiah.edu or a subdomain of it")], null),
        ["mine_ietf01_1.txt"] = ([new(PermError, NoVersion)], null),
        ["mine_ietf01_2.txt"] = ([new(PermError, NoVersion)], null),
        ["mine_ietf01_3.txt"] = ([new(PermError, NoVersion)], null),
        ["mine_ietf01_4.txt"] = ([new(PermError, NoVersion)], null),
        ["mine_ietf05_1.txt"] = ([new(PermError, DraftVersion)], null),
        ["multiple_1.txt"] = ([new(PermError, NoVersion), new(PermError, NoVersion), new(PermError, NoVersion), new(PermError, NoVersion)], null),
        ["multiple_2.txt"] = (
            [new(PermError, "unsupported canonicalization c=foobar"), new(Policy, Sha1), new(Policy, Sha1), new(PermError, "\"synerr\" is not a tag=value pair")],
            [new(PermError, "unsupported canonicalization c=foobar"), new(Pass, Verified), new(Fail, "signature did not verify"), new(PermError, "\"synerr\" is not a tag=value pair")]),
        ["no_body_1.txt"] = ([new(PermError, DraftVersion)], null),
        ["no_body_2.txt"] = ([new(PermError, DraftVersion)], null),
        ["no_body_3.txt"] = ([new(PermError, DraftVersion)], null),
    };

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var row in DkimCorpus.ReadTsv("mail-dkim", "expected.tsv"))
        {
            var file = row["file"];
            var upstream = row["mail_dkim_result"];
            foreach (var allowSha1 in new[] { false, true })
            {
                // A file missing from the table still runs, and fails for want of an expectation.
                Expected[]? expected = null;
                if (Expectations.TryGetValue(file, out var entry))
                {
                    expected = allowSha1 ? entry.Sha1Allowed ?? entry.Strict : entry.Strict;
                }

                var verdict = expected is null ? "no expectation" : Verdict(expected, upstream);
                yield return new TestCaseData(file, allowSha1, expected)
                    .SetArgDisplayNames(file, allowSha1 ? "rsa-sha1 allowed" : "defaults", verdict);
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task VerifyAsync_MailDkimCase_AsExpected(string file, bool allowSha1, Expected[]? expected)
    {
        if (expected is null)
        {
            Assert.Fail($"{file} has no expectation in the table");
            return;
        }

        var results = await DkimCorpus.VerifyAsync(
            DkimCorpus.ReadMessage("mail-dkim", "corpus", file), DkimCorpus.LoadZone("mail-dkim", "FAKE_DNS.dat"), new DkimOptions { AllowSha1 = allowSha1 });

        Assert.That(results.Select(r => r.Result), Is.EqualTo(expected.Select(e => e.Result)), DkimCorpus.Describe(results));
        for (var i = 0; i < results.Count; i++)
        {
            Assert.That(results[i].Reason, Does.Contain(expected[i].Reason), $"signature {i + 1}");
        }

        if (file.StartsWith("good_qp_", StringComparison.Ordinal))
        {
            Assert.That(results[0].Identity, Is.EqualTo("jlong@messiah.edu"), "i= is dkim-quoted-printable and reported decoded");
        }
    }

    // The test name says whether we agree with Mail::DKIM, or are stricter and why (the reason of our result).
    private static string Verdict(Expected[] expected, string upstream)
    {
        var best = expected.Select(e => e.Result).Min();
        var agrees = upstream switch
        {
            "fail" => best == Fail,
            "invalid" => best is PermError or TempError,
            _ => best == Pass,
        };
        var ours = string.Join("+", expected.Select(e => e.Result));
        return agrees
            ? $"{ours}, as Mail::DKIM's {upstream}"
            : $"{ours}, stricter than Mail::DKIM's {upstream}: {expected.First(e => e.Result == best).Reason}";
    }

    /// <summary>One signature's expected result and a part of its reason.</summary>
    public sealed record Expected(DkimResult Result, string Reason);
}
