using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using Milter.Dns;

namespace Milter.Authentication.Tests.Dmarc;

public class DmarcEvaluatorPslTests
{
    private string _pslPath = null!;
    private InMemoryDnsResolver _zone = null!;
    private RecordingDnsResolver _dns = null!;

    [SetUp]
    public void SetUp()
    {
        _pslPath = Path.Combine(Path.GetTempPath(), $"dmarc-psl-{Guid.NewGuid():N}.dat");
        File.WriteAllText(_pslPath, PublicSuffixListTests.SmallList);
        _zone = new InMemoryDnsResolver();
        _dns = new RecordingDnsResolver(_zone);
    }

    [TearDown]
    public void TearDown() => File.Delete(_pslPath);

    private DmarcEvaluator Evaluator() => new(_dns, new DmarcOptions { Discovery = DmarcDiscoveryMode.PublicSuffixList, PublicSuffixListPath = _pslPath });

    private string[] TxtQueries() => [.. _dns.Queries.Where(q => q.StartsWith("TXT ", StringComparison.Ordinal)).Select(q => q[4..])];

    [Test]
    public async Task Evaluate_SubdomainWithoutRecord_AsksAuthorThenOrganizationalDomainOnly()
    {
        _zone.AddTxt("_dmarc.example.co.uk", "v=DMARC1; p=reject; sp=quarantine").AddEmpty("a.b.example.co.uk");

        var evaluation = await Evaluator().EvaluateAsync("a.b.example.co.uk", DmarcSpfInput.NotChecked, [], CancellationToken.None);

        Assert.That((evaluation.PolicyDomain, evaluation.Disposition), Is.EqualTo(("example.co.uk", DmarcPolicy.Quarantine)));
        Assert.That(TxtQueries(), Is.EqualTo(new[] { "_dmarc.a.b.example.co.uk", "_dmarc.example.co.uk" }));
    }

    [TestCase("bounce.example.co.uk", DmarcResult.Pass)]
    [TestCase("other.co.uk", DmarcResult.Fail)]
    [TestCase("co.uk", DmarcResult.Fail)]
    public async Task Evaluate_RelaxedAlignment_UsesTheList(string spfDomain, DmarcResult expected)
    {
        _zone.AddTxt("_dmarc.example.co.uk", "v=DMARC1; p=reject");

        var evaluation = await Evaluator().EvaluateAsync("example.co.uk", new DmarcSpfInput(SpfResult.Pass, spfDomain), [], CancellationToken.None);

        Assert.That((evaluation.Result, evaluation.OrganizationalDomain), Is.EqualTo((expected, "example.co.uk")));
        Assert.That(TxtQueries(), Is.EqualTo(new[] { "_dmarc.example.co.uk" }));
    }

    [Test]
    public async Task Evaluate_MultipleRecordsAtAuthor_EndsDiscovery()
    {
        _zone.AddTxt("_dmarc.mail.example.com", "v=DMARC1; p=none").AddTxt("_dmarc.mail.example.com", "v=DMARC1; p=none")
            .AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");

        var evaluation = await Evaluator().EvaluateAsync("mail.example.com", DmarcSpfInput.NotChecked, [], CancellationToken.None);

        Assert.That((evaluation.Result, evaluation.Problem), Is.EqualTo((DmarcResult.None, "2 DMARC records at _dmarc.mail.example.com")));
    }

    [Test]
    public async Task Evaluate_OrganizationalDomainTemporaryError_IsTempError()
    {
        _zone.AddTemporaryError("_dmarc.example.com");

        var evaluation = await Evaluator().EvaluateAsync("mail.example.com", DmarcSpfInput.NotChecked, [], CancellationToken.None);

        Assert.That(evaluation.Result, Is.EqualTo(DmarcResult.TempError));
    }

    [Test]
    public async Task Evaluate_WildcardSuffix_IsOrganizationalBoundary()
    {
        _zone.AddTxt("_dmarc.foo.bar.ck", "v=DMARC1; p=reject");

        var evaluation = await Evaluator().EvaluateAsync("foo.bar.ck", new DmarcSpfInput(SpfResult.Pass, "baz.bar.ck"), [], CancellationToken.None);

        Assert.That((evaluation.Result, evaluation.Disposition), Is.EqualTo((DmarcResult.Fail, DmarcPolicy.Reject)));
    }

    [Test]
    public void Constructor_MissingList_Throws() =>
        Assert.That(
            () => new DmarcEvaluator(_dns, new DmarcOptions { Discovery = DmarcDiscoveryMode.PublicSuffixList, PublicSuffixListPath = _pslPath + ".missing" }),
            Throws.TypeOf<FileNotFoundException>());
}
