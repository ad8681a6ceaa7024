using System.Net;
using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using Milter.Dns;

namespace Milter.Authentication.Tests.Dmarc;

public class DmarcEvaluatorTests
{
    private static readonly IPAddress Address = IPAddress.Parse("192.0.2.1");
    private InMemoryDnsResolver _zone = null!;
    private RecordingDnsResolver _dns = null!;

    [SetUp]
    public void SetUp()
    {
        _zone = new InMemoryDnsResolver();
        _dns = new RecordingDnsResolver(_zone);
    }

    private Task<DmarcEvaluation> Evaluate(string author, DmarcSpfInput? spf = null, params DmarcDkimInput[] dkim) =>
        new DmarcEvaluator(_dns, new DmarcOptions()).EvaluateAsync(author, spf ?? DmarcSpfInput.NotChecked, dkim, CancellationToken.None).AsTask();

    private static DmarcSpfInput Spf(SpfResult result, string domain) => new(result, domain);

    private static DmarcDkimInput Dkim(string domain, DmarcDkimOutcome outcome = DmarcDkimOutcome.Pass) => new(domain, "sel", outcome);

    private string[] TxtQueries() => [.. _dns.Queries.Where(q => q.StartsWith("TXT ", StringComparison.Ordinal)).Select(q => q[4..])];

    [Test]
    public async Task Evaluate_NoRecordAnywhere_IsNone()
    {
        var evaluation = await Evaluate("mail.example.com", Spf(SpfResult.Pass, "mail.example.com"));

        Assert.That((evaluation.Result, evaluation.Record, evaluation.Disposition), Is.EqualTo((DmarcResult.None, (DmarcRecord?)null, DmarcPolicy.None)));
        Assert.That(TxtQueries(), Is.EqualTo(new[] { "_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com" }));
    }

    [TestCase("example.com", "r", DmarcResult.Pass)]
    [TestCase("EXAMPLE.com.", "s", DmarcResult.Pass)]
    [TestCase("bounce.example.com", "r", DmarcResult.Pass)]
    [TestCase("bounce.example.com", "s", DmarcResult.Fail)]
    [TestCase("example.net", "r", DmarcResult.Fail)]
    [TestCase("example.com.evil.example", "r", DmarcResult.Fail)]
    [TestCase("notexample.com", "r", DmarcResult.Fail)]
    public async Task Evaluate_SpfPass_AlignsByAspf(string spfDomain, string aspf, DmarcResult expected)
    {
        _zone.AddTxt("_dmarc.example.com", $"v=DMARC1; p=reject; aspf={aspf}");

        var evaluation = await Evaluate("example.com", Spf(SpfResult.Pass, spfDomain));

        Assert.That((evaluation.Result, evaluation.SpfAligned), Is.EqualTo((expected, expected == DmarcResult.Pass)));
    }

    [TestCase("example.com", "r", DmarcResult.Pass)]
    [TestCase("example.com", "s", DmarcResult.Pass)]
    [TestCase("news.example.com", "r", DmarcResult.Pass)]
    [TestCase("news.example.com", "s", DmarcResult.Fail)]
    [TestCase("example.net", "r", DmarcResult.Fail)]
    public async Task Evaluate_DkimPass_AlignsByAdkim(string signingDomain, string adkim, DmarcResult expected)
    {
        _zone.AddTxt("_dmarc.example.com", $"v=DMARC1; p=reject; adkim={adkim}");

        var evaluation = await Evaluate("example.com", null, Dkim(signingDomain));

        Assert.That((evaluation.Result, evaluation.DkimAligned?.Domain), Is.EqualTo((expected, expected == DmarcResult.Pass ? signingDomain : null)));
    }

    [TestCase(SpfResult.Fail)]
    [TestCase(SpfResult.SoftFail)]
    [TestCase(SpfResult.Neutral)]
    [TestCase(SpfResult.None)]
    [TestCase(SpfResult.PermError)]
    public async Task Evaluate_SpfNotPassForAlignedDomain_Fails(SpfResult spf)
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");

        Assert.That((await Evaluate("example.com", Spf(spf, "example.com"))).Result, Is.EqualTo(DmarcResult.Fail));
    }

    [TestCase(DmarcDkimOutcome.Fail)]
    [TestCase(DmarcDkimOutcome.Neutral)]
    [TestCase(DmarcDkimOutcome.Policy)]
    [TestCase(DmarcDkimOutcome.PermError)]
    public async Task Evaluate_DkimNotPassForAlignedDomain_Fails(DmarcDkimOutcome outcome)
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");

        Assert.That((await Evaluate("example.com", null, Dkim("example.com", outcome))).Result, Is.EqualTo(DmarcResult.Fail));
    }

    [Test]
    public async Task Evaluate_SeveralSignatures_AnyAlignedPassPasses()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");

        var evaluation = await Evaluate("example.com", Spf(SpfResult.Fail, "example.com"),
            Dkim("example.com", DmarcDkimOutcome.Fail), Dkim("esp.example.net"), Dkim("mail.example.com"));

        Assert.That((evaluation.Result, evaluation.DkimAligned, evaluation.SpfAligned), Is.EqualTo((DmarcResult.Pass, Dkim("mail.example.com"), false)));
    }

    [Test]
    public async Task Evaluate_FailAtPolicyDomain_AppliesP()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject; sp=none; np=quarantine");

        var evaluation = await Evaluate("example.com", Spf(SpfResult.Fail, "example.com"));

        Assert.Multiple(() =>
        {
            Assert.That((evaluation.Result, evaluation.PolicySource, evaluation.RequestedPolicy, evaluation.Disposition),
                Is.EqualTo((DmarcResult.Fail, (DmarcPolicySource?)DmarcPolicySource.Domain, (DmarcPolicy?)DmarcPolicy.Reject, DmarcPolicy.Reject)));
            Assert.That((evaluation.PolicyDomain, evaluation.OrganizationalDomain), Is.EqualTo(("example.com", (string?)null)));
            Assert.That(evaluation.Comment, Is.EqualTo("p=reject sp=none dis=reject"));
            Assert.That(evaluation.AuthorDomainExists, Is.Null);
        });
    }

    [Test]
    public async Task Evaluate_FailExistingSubdomain_AppliesSp()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; np=none").AddAddress("mail.example.com", Address);

        var evaluation = await Evaluate("mail.example.com");

        Assert.That((evaluation.Result, evaluation.PolicySource, evaluation.Disposition, evaluation.AuthorDomainExists),
            Is.EqualTo((DmarcResult.Fail, (DmarcPolicySource?)DmarcPolicySource.Subdomain, DmarcPolicy.Quarantine, (bool?)true)));
        Assert.That((evaluation.PolicyDomain, evaluation.OrganizationalDomain), Is.EqualTo(("example.com", (string?)null)));
    }

    [TestCase("v=DMARC1; p=reject; sp=none; np=quarantine", DmarcPolicy.Quarantine)]
    [TestCase("v=DMARC1; p=reject; sp=none", DmarcPolicy.None)]
    [TestCase("v=DMARC1; p=quarantine", DmarcPolicy.Quarantine)]
    public async Task Evaluate_FailNonExistentSubdomain_AppliesNpElseSpElseP(string record, DmarcPolicy expected)
    {
        _zone.AddTxt("_dmarc.example.com", record);

        var evaluation = await Evaluate("nx.example.com");

        Assert.That((evaluation.Result, evaluation.Disposition), Is.EqualTo((DmarcResult.Fail, expected)));
    }

    [Test]
    public async Task Evaluate_NpPresentAndNxdomainForAllTypes_IsNonExistent()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=none; np=reject");

        var evaluation = await Evaluate("nx.example.com");

        Assert.That((evaluation.PolicySource, evaluation.AuthorDomainExists, evaluation.Disposition),
            Is.EqualTo(((DmarcPolicySource?)DmarcPolicySource.NonExistentSubdomain, (bool?)false, DmarcPolicy.Reject)));
        Assert.That(_dns.Queries.Where(q => !q.StartsWith("TXT", StringComparison.Ordinal)), Is.EqualTo(new[] { "A nx.example.com", "AAAA nx.example.com", "MX nx.example.com" }));
    }

    [TestCase("mx")]
    [TestCase("empty")]
    public async Task Evaluate_NpPresentButNameExists_AppliesSp(string kind)
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject");
        _ = kind == "mx" ? _zone.AddMx("sub.example.com", 10, "mx.example.com") : _zone.AddEmpty("sub.example.com");

        var evaluation = await Evaluate("sub.example.com");

        Assert.That((evaluation.PolicySource, evaluation.AuthorDomainExists, evaluation.Disposition),
            Is.EqualTo(((DmarcPolicySource?)DmarcPolicySource.Subdomain, (bool?)true, DmarcPolicy.Quarantine)));
    }

    [Test]
    public async Task Evaluate_ExistenceTestTemporaryError_IsTempError()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=none; np=reject").AddTemporaryError("sub.example.com");

        var evaluation = await Evaluate("sub.example.com");

        Assert.That((evaluation.Result, evaluation.Disposition, evaluation.Problem), Is.EqualTo((DmarcResult.TempError, DmarcPolicy.None, "sub.example.com A: TemporaryError")));
    }

    [TestCase("p=reject; t=y", DmarcPolicy.Reject, DmarcPolicy.Quarantine, true)]
    [TestCase("p=quarantine; t=y", DmarcPolicy.Quarantine, DmarcPolicy.None, true)]
    [TestCase("p=none; t=y", DmarcPolicy.None, DmarcPolicy.None, false)]
    [TestCase("p=reject; pct=0", DmarcPolicy.Reject, DmarcPolicy.Quarantine, true)]
    [TestCase("p=quarantine; pct=0", DmarcPolicy.Quarantine, DmarcPolicy.None, true)]
    [TestCase("p=reject; pct=50", DmarcPolicy.Reject, DmarcPolicy.Reject, false)]
    [TestCase("p=reject; pct=100; t=n", DmarcPolicy.Reject, DmarcPolicy.Reject, false)]
    public async Task Evaluate_TestingMode_AppliesOneLevelMilder(string tags, DmarcPolicy requested, DmarcPolicy disposition, bool changed)
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; " + tags);

        var evaluation = await Evaluate("example.com");

        Assert.That((evaluation.RequestedPolicy, evaluation.Disposition, evaluation.TestingModeApplied), Is.EqualTo(((DmarcPolicy?)requested, disposition, changed)));
    }

    [Test]
    public async Task Evaluate_TestingModeForSubdomain_AppliesToSp()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=none; sp=reject; t=y").AddEmpty("sub.example.com");

        var evaluation = await Evaluate("sub.example.com");

        Assert.That((evaluation.Disposition, evaluation.Comment), Is.EqualTo((DmarcPolicy.Quarantine, "p=none sp=reject dis=quarantine")));
    }

    [Test]
    public async Task Evaluate_Pass_HasNoDisposition()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");

        var evaluation = await Evaluate("example.com", Spf(SpfResult.Pass, "example.com"));

        Assert.That((evaluation.Result, evaluation.Disposition, evaluation.RequestedPolicy, evaluation.Comment),
            Is.EqualTo((DmarcResult.Pass, DmarcPolicy.None, (DmarcPolicy?)DmarcPolicy.Reject, "p=reject sp=reject dis=none")));
    }

    [Test]
    public async Task Evaluate_RecordLookupTemporaryError_IsTempErrorWhateverAligns()
    {
        _zone.AddTemporaryError("_dmarc.example.com");

        var evaluation = await Evaluate("example.com", Spf(SpfResult.Pass, "example.com"));

        Assert.That((evaluation.Result, evaluation.Disposition), Is.EqualTo((DmarcResult.TempError, DmarcPolicy.None)));
        Assert.That(evaluation.Problem, Does.StartWith("_dmarc.example.com TXT: "));
    }

    [Test]
    public async Task Evaluate_ParentLookupTemporaryError_IsTempError()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject").AddTemporaryError("_dmarc.mail.example.com");

        Assert.That((await Evaluate("a.mail.example.com")).Result, Is.EqualTo(DmarcResult.TempError));
    }

    [Test]
    public async Task Evaluate_RecordLookupPermanentError_IsPermError()
    {
        _dns.PermanentErrors.Add("_dmarc.example.com");

        Assert.That((await Evaluate("example.com")).Result, Is.EqualTo(DmarcResult.PermError));
    }

    [TestCase("example.com", DmarcResult.TempError)]
    [TestCase("bounce.example.com", DmarcResult.TempError)]
    [TestCase("example.net", DmarcResult.Fail)]
    public async Task Evaluate_SpfTempErrorWithoutAlignedPass_IsTempErrorOnlyIfItWouldAlign(string spfDomain, DmarcResult expected)
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");

        var evaluation = await Evaluate("example.com", Spf(SpfResult.TempError, spfDomain));

        Assert.That((evaluation.Result, evaluation.Disposition), Is.EqualTo((expected, expected == DmarcResult.Fail ? DmarcPolicy.Reject : DmarcPolicy.None)));
    }

    [TestCase("example.com", DmarcResult.TempError)]
    [TestCase("other.example", DmarcResult.Fail)]
    public async Task Evaluate_DkimTempErrorWithoutAlignedPass_IsTempErrorOnlyIfItWouldAlign(string signingDomain, DmarcResult expected)
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");

        var evaluation = await Evaluate("example.com", Spf(SpfResult.Fail, "example.com"), Dkim(signingDomain, DmarcDkimOutcome.TempError));

        Assert.That(evaluation.Result, Is.EqualTo(expected));
    }

    [Test]
    public async Task Evaluate_TempErrorButAnotherAlignedPass_Passes()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");

        var evaluation = await Evaluate("example.com", Spf(SpfResult.TempError, "example.com"), Dkim("example.com"));

        Assert.That(evaluation.Result, Is.EqualTo(DmarcResult.Pass));
    }

    [Test]
    public async Task Evaluate_IdentifierTreeWalkTemporaryError_IsTempError()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject").AddTemporaryError("_dmarc.esp.com");

        var evaluation = await Evaluate("example.com", null, Dkim("esp.com"));

        Assert.That((evaluation.Result, evaluation.Problem), Is.EqualTo((DmarcResult.TempError, "_dmarc.esp.com TXT: _dmarc.esp.com: timeout")));
    }

    [Test]
    public async Task Evaluate_MultipleRecordsAtAuthorAndNoneAbove_IsNone()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject").AddTxt("_dmarc.example.com", "v=DMARC1; p=none");

        var evaluation = await Evaluate("example.com");

        Assert.That((evaluation.Result, evaluation.Problem), Is.EqualTo((DmarcResult.None, "2 DMARC records at _dmarc.example.com")));
    }

    [Test]
    public async Task Evaluate_MultipleRecordsAtAuthor_WalkFindsTheOrganizationalRecord()
    {
        _zone.AddTxt("_dmarc.mail.example.com", "v=DMARC1; p=none").AddTxt("_dmarc.mail.example.com", "v=DMARC1; p=none")
            .AddTxt("_dmarc.example.com", "v=DMARC1; p=reject").AddAddress("mail.example.com", Address);

        var evaluation = await Evaluate("mail.example.com");

        Assert.That((evaluation.PolicyDomain, evaluation.Disposition), Is.EqualTo(("example.com", DmarcPolicy.Reject)));
    }

    [Test]
    public async Task Evaluate_NonDmarcTxtBesideOneRecord_UsesTheRecord()
    {
        _zone.AddTxt("_dmarc.example.com", "v=spf1 -all").AddTxt("_dmarc.example.com", "v=DMARC1; p=quarantine");

        Assert.That((await Evaluate("example.com")).Disposition, Is.EqualTo(DmarcPolicy.Quarantine));
    }

    [Test]
    public async Task Evaluate_InvalidPolicyWithoutRua_IsNoneWithRecord()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=block");

        var evaluation = await Evaluate("example.com");

        Assert.That((evaluation.Result, evaluation.Disposition, evaluation.PolicyDomain), Is.EqualTo((DmarcResult.None, DmarcPolicy.None, "example.com")));
        Assert.That(evaluation.Problem, Is.EqualTo("record at _dmarc.example.com is not applied: invalid p tag \"block\" and no valid rua"));
    }

    [Test]
    public async Task Evaluate_InvalidPolicyWithRua_FailsWithPolicyNone()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=block; rua=mailto:d@example.com");

        var evaluation = await Evaluate("example.com");

        Assert.That((evaluation.Result, evaluation.Disposition, evaluation.Comment), Is.EqualTo((DmarcResult.Fail, DmarcPolicy.None, "p=none sp=none dis=none")));
    }

    [TestCase("a..example")]
    [TestCase("[192.0.2.1]")]
    [TestCase("")]
    public async Task Evaluate_AuthorNotADomain_IsPermErrorWithoutLookup(string author)
    {
        var evaluation = await Evaluate(author);

        Assert.That((evaluation.Result, evaluation.DnsLookups, _dns.Queries.Count), Is.EqualTo((DmarcResult.PermError, 0, 0)));
    }

    [Test]
    public async Task Evaluate_IdnAuthor_UsesALabel()
    {
        _zone.AddTxt("_dmarc.xn--bcher-kva.example", "v=DMARC1; p=reject");

        var evaluation = await Evaluate("BÜCHER.example", null, Dkim("xn--bcher-kva.example"));

        Assert.That((evaluation.Result, evaluation.AuthorDomain), Is.EqualTo((DmarcResult.Pass, "xn--bcher-kva.example")));
    }

    // RFC 9989 section 4.10: the eight queries of the example.
    [Test]
    public async Task Evaluate_LongAuthorDomain_WalksAtMostEightNames()
    {
        var evaluation = await Evaluate("a.b.c.d.e.f.g.h.i.j.mail.example.com");

        Assert.That(TxtQueries(), Is.EqualTo(new[]
        {
            "_dmarc.a.b.c.d.e.f.g.h.i.j.mail.example.com", "_dmarc.g.h.i.j.mail.example.com", "_dmarc.h.i.j.mail.example.com",
            "_dmarc.i.j.mail.example.com", "_dmarc.j.mail.example.com", "_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com",
        }));
        Assert.That(evaluation.DnsLookups, Is.EqualTo(8));
    }

    // RFC 9989 section 5.1.8: a psd=n record beyond the shortened names is never found.
    [Test]
    public async Task Evaluate_ZoneCutBeyondTheShortening_IsNotDiscovered()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject").AddTxt("_dmarc.b.c.d.e.f.g.example.com", "v=DMARC1; p=none; psd=n")
            .AddEmpty("mail.a.b.c.d.e.f.g.example.com");

        var evaluation = await Evaluate("mail.a.b.c.d.e.f.g.example.com");

        Assert.That((evaluation.PolicyDomain, evaluation.Disposition), Is.EqualTo(("example.com", DmarcPolicy.Reject)));
        Assert.That(TxtQueries(), Does.Not.Contain("_dmarc.b.c.d.e.f.g.example.com"));
    }

    [Test]
    public async Task Evaluate_MaxTreeWalkLookupsOne_AsksOnlyTheAuthorDomain()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");
        var evaluator = new DmarcEvaluator(_dns, new DmarcOptions { MaxTreeWalkLookups = 1 });

        var evaluation = await evaluator.EvaluateAsync("mail.example.com", DmarcSpfInput.NotChecked, [], CancellationToken.None);

        Assert.That((evaluation.Result, TxtQueries().Length), Is.EqualTo((DmarcResult.None, 1)));
    }

    [TestCase(2, "_dmarc.a.b.example.com _dmarc.com")]
    [TestCase(3, "_dmarc.a.b.example.com _dmarc.example.com _dmarc.com")]
    public async Task Evaluate_MaxTreeWalkLookups_ShortensToOneLabelFewer(int limit, string queries)
    {
        var evaluator = new DmarcEvaluator(_dns, new DmarcOptions { MaxTreeWalkLookups = limit });

        await evaluator.EvaluateAsync("a.b.example.com", DmarcSpfInput.NotChecked, [], CancellationToken.None);

        Assert.That(string.Join(' ', TxtQueries()), Is.EqualTo(queries));
    }

    // RFC 9989 section 4.10.2, the three examples for "a.mail.example.com".
    [TestCase("_dmarc.mail.example.com=v=DMARC1; p=none|_dmarc.example.com=v=DMARC1; p=none", "example.com")]
    [TestCase("_dmarc.mail.example.com=v=DMARC1; p=none; psd=n|_dmarc.example.com=v=DMARC1; p=none", "mail.example.com")]
    [TestCase("_dmarc.com=v=DMARC1; p=none; psd=y", "example.com")]
    [TestCase("", "a.mail.example.com")]
    [TestCase("_dmarc.a.mail.example.com=v=DMARC1; p=none; psd=y|_dmarc.com=v=DMARC1; p=none", "a.mail.example.com")]
    public async Task WalkAsync_SpecExamples_GiveTheOrganizationalDomain(string records, string expected)
    {
        foreach (var record in records.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = record.IndexOf('=');
            _zone.AddTxt(record[..equals], record[(equals + 1)..]);
        }

        var walk = await new DmarcLookupSession(_dns, 8, CancellationToken.None).WalkAsync("a.mail.example.com");

        Assert.That(walk.OrganizationalDomain, Is.EqualTo(expected));
    }

    [Test]
    public async Task WalkAsync_PsdTag_StopsTheWalk()
    {
        _zone.AddTxt("_dmarc.mail.example.com", "v=DMARC1; p=none; psd=n");

        await new DmarcLookupSession(_dns, 8, CancellationToken.None).WalkAsync("a.mail.example.com");

        Assert.That(TxtQueries(), Is.EqualTo(new[] { "_dmarc.a.mail.example.com", "_dmarc.mail.example.com" }));
    }

    // Appendix B.4.1: SPF example.com and DKIM signing.example.com both align with example.com.
    [Test]
    public async Task Evaluate_AppendixB41_BothAligned()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject").AddTxt("_dmarc.signing.example.com", "v=DMARC1; p=none");

        var evaluation = await Evaluate("example.com", Spf(SpfResult.Fail, "example.com"), Dkim("signing.example.com"));

        Assert.That((evaluation.Result, evaluation.OrganizationalDomain, evaluation.DkimAligned?.Domain), Is.EqualTo((DmarcResult.Pass, "example.com", "signing.example.com")));
    }

    // Appendix B.4.2: the deep Author Domain's policy domain and Organizational Domain is example.com.
    [Test]
    public async Task Evaluate_AppendixB42_DeepAuthorAligned()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject").AddTxt("_dmarc.signing.example.com", "v=DMARC1; p=none")
            .AddEmpty("a.b.c.d.e.f.g.h.i.j.k.example.com");

        var pass = await Evaluate("a.b.c.d.e.f.g.h.i.j.k.example.com", Spf(SpfResult.Pass, "example.com"), Dkim("signing.example.com"));
        var fail = await Evaluate("a.b.c.d.e.f.g.h.i.j.k.example.com");

        Assert.That((pass.Result, pass.OrganizationalDomain, pass.SpfAligned, pass.DkimAligned is not null), Is.EqualTo((DmarcResult.Pass, "example.com", true, true)));
        Assert.That((fail.Result, fail.PolicyDomain, fail.PolicySource), Is.EqualTo((DmarcResult.Fail, "example.com", (DmarcPolicySource?)DmarcPolicySource.Subdomain)));
    }

    // Appendix B.4.3: a PSD record with psd=y; SPF mail.giant.bank.example aligns, DKIM mail.mega.bank.example does not.
    [TestCase(true, DmarcResult.Pass)]
    [TestCase(false, DmarcResult.Fail)]
    public async Task Evaluate_AppendixB43_PsdRecordBoundsOrganizationalDomains(bool spfPasses, DmarcResult expected)
    {
        _zone.AddTxt("_dmarc.bank.example", "v=DMARC1; p=reject; psd=y").AddTxt("_dmarc.giant.bank.example", "v=DMARC1; p=quarantine");

        var evaluation = await Evaluate("giant.bank.example", Spf(spfPasses ? SpfResult.Pass : SpfResult.Fail, "mail.giant.bank.example"), Dkim("mail.mega.bank.example"));

        Assert.That((evaluation.Result, evaluation.OrganizationalDomain, evaluation.PolicyDomain), Is.EqualTo((expected, "giant.bank.example", "giant.bank.example")));
        Assert.That(evaluation.DkimAligned, Is.Null);
    }

    [Test]
    public async Task Evaluate_OnlyPsdRecord_AppliesItsSubdomainPolicy()
    {
        _zone.AddTxt("_dmarc.bank.example", "v=DMARC1; p=reject; sp=quarantine; psd=y").AddEmpty("mail.giant.bank.example");

        var evaluation = await Evaluate("mail.giant.bank.example");

        Assert.That((evaluation.PolicyDomain, evaluation.PolicySource, evaluation.Disposition),
            Is.EqualTo(("bank.example", (DmarcPolicySource?)DmarcPolicySource.Subdomain, DmarcPolicy.Quarantine)));
    }

    [Test]
    public async Task Evaluate_RecordOnTheWayBelowPsd_IsNotThePolicy()
    {
        // The Organizational Domain is giant.bank.example (below the PSD), which has no record: the PSD record applies.
        _zone.AddTxt("_dmarc.bank.example", "v=DMARC1; p=reject; psd=y").AddTxt("_dmarc.b.giant.bank.example", "v=DMARC1; p=none").AddEmpty("a.b.giant.bank.example");

        Assert.That((await Evaluate("a.b.giant.bank.example")).PolicyDomain, Is.EqualTo("bank.example"));
    }

    [Test]
    public async Task Evaluate_RelaxedAlignment_UsesTreeWalkNotTheLastTwoLabels()
    {
        // example.co.uk is not "co.uk plus a label" here: no PSL; the records decide.
        _zone.AddTxt("_dmarc.example.co.uk", "v=DMARC1; p=reject").AddTxt("_dmarc.co.uk", "v=DMARC1; p=none; psd=y");

        var aligned = await Evaluate("example.co.uk", Spf(SpfResult.Pass, "bounce.example.co.uk"));
        var unaligned = await Evaluate("example.co.uk", Spf(SpfResult.Pass, "other.co.uk"));

        Assert.That((aligned.Result, unaligned.Result), Is.EqualTo((DmarcResult.Pass, DmarcResult.Fail)));
    }

    [Test]
    public async Task Evaluate_SharedParents_AreAskedOnce()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");

        await Evaluate("example.com", Spf(SpfResult.Pass, "a.example.net"), Dkim("b.example.net"), Dkim("c.b.example.net"));

        Assert.That(TxtQueries(), Is.Unique);
    }

    [Test]
    public async Task CheckAsync_SeveralAuthorDomains_AppliesTheStrictest()
    {
        _zone.AddTxt("_dmarc.weak.example", "v=DMARC1; p=none").AddTxt("_dmarc.victim.example", "v=DMARC1; p=reject");
        var authors = AuthorDomainExtractor.Extract(["a@weak.example, b@victim.example, c@nodmarc.example"]);

        var result = await new DmarcEvaluator(_dns, new DmarcOptions()).CheckAsync(authors, Spf(SpfResult.Pass, "weak.example"), [], CancellationToken.None);

        Assert.That(result.Evaluations.Select(e => (e.AuthorDomain, e.Result)), Is.EqualTo(new[]
        {
            ("weak.example", DmarcResult.Pass), ("victim.example", DmarcResult.Fail), ("nodmarc.example", DmarcResult.None),
        }));
        Assert.That((result.Disposition, result.Result), Is.EqualTo((DmarcPolicy.Reject, DmarcResult.Fail)));
        Assert.That(result.ToAuthenticationResults().Select(r => (r.Result, r.Comment, r.Properties.Single().Value)), Is.EqualTo(new[]
        {
            ("pass", "p=none sp=none dis=none", "weak.example"), ("fail", "p=reject sp=reject dis=reject", "victim.example"), ("none", (string?)null, "nodmarc.example"),
        }));
    }

    [Test]
    public async Task CheckAsync_NoAuthorDomain_IsOnePermErrorEntry()
    {
        var authors = AuthorDomainExtractor.Extract(["<broken"]);

        var result = await new DmarcEvaluator(_dns, new DmarcOptions()).CheckAsync(authors, DmarcSpfInput.NotChecked, [], CancellationToken.None);

        var entry = result.ToAuthenticationResults().Single();
        Assert.That((result.Result, result.Disposition, entry.Method, entry.Result, entry.Comment, entry.Properties.Count),
            Is.EqualTo((DmarcResult.PermError, DmarcPolicy.None, "dmarc", "permerror", "From header field is not a valid address list", 0)));
    }

    [TestCase(DmarcResult.Pass, DmarcResult.None, DmarcResult.Pass)]
    [TestCase(DmarcResult.TempError, DmarcResult.Pass, DmarcResult.TempError)]
    [TestCase(DmarcResult.PermError, DmarcResult.Pass, DmarcResult.PermError)]
    [TestCase(DmarcResult.TempError, DmarcResult.Fail, DmarcResult.Fail)]
    [TestCase(DmarcResult.None, DmarcResult.None, DmarcResult.None)]
    public void Result_SeveralEvaluations_TakesTheMostSevere(DmarcResult first, DmarcResult second, DmarcResult expected)
    {
        var result = new DmarcCheckResult(new AuthorDomainExtraction(["a.example", "b.example"], AuthorDomainProblem.MultipleAddresses, null),
            [new DmarcEvaluation(first, "a.example", null), new DmarcEvaluation(second, "b.example", null)]);

        Assert.That(result.Result, Is.EqualTo(expected));
    }

    [Test]
    public async Task EvaluateAsync_Concurrent_GiveTheSameResults()
    {
        _zone.AddTxt("_dmarc.example.com", "v=DMARC1; p=reject").AddEmpty("mail.example.com");
        var evaluator = new DmarcEvaluator(_dns, new DmarcOptions());
        var results = new System.Collections.Concurrent.ConcurrentBag<(DmarcResult, DmarcPolicy)>();

        await Parallel.ForAsync(0, 64, async (i, ct) =>
        {
            var evaluation = await evaluator.EvaluateAsync(i % 2 == 0 ? "mail.example.com" : "example.com", Spf(SpfResult.Pass, i % 4 < 2 ? "example.com" : "example.net"), [], ct);
            results.Add((evaluation.Result, evaluation.Disposition));
        });

        Assert.That(results.Count(r => r == (DmarcResult.Pass, DmarcPolicy.None)), Is.EqualTo(32));
        Assert.That(results.Count(r => r == (DmarcResult.Fail, DmarcPolicy.Reject)), Is.EqualTo(32));
    }

    [Test]
    public void Constructor_Null_Throws()
    {
        Assert.That(() => new DmarcEvaluator(null!, new DmarcOptions()), Throws.ArgumentNullException);
        Assert.That(() => new DmarcEvaluator(_dns, null!), Throws.ArgumentNullException);
    }

    [Test]
    public void CheckAsync_NullInputs_Throw()
    {
        var evaluator = new DmarcEvaluator(_dns, new DmarcOptions());
        var none = new AuthorDomainExtraction([], AuthorDomainProblem.NoFromHeader, null);

        Assert.That(async () => await evaluator.CheckAsync(null!, DmarcSpfInput.NotChecked, [], CancellationToken.None), Throws.ArgumentNullException);
        Assert.That(async () => await evaluator.CheckAsync(none, null!, [], CancellationToken.None), Throws.ArgumentNullException);
        Assert.That(async () => await evaluator.CheckAsync(none, DmarcSpfInput.NotChecked, null!, CancellationToken.None), Throws.ArgumentNullException);
    }
}
