using Milter.Authentication.Dmarc;

namespace Milter.Authentication.Tests.Dmarc;

public class AuthorDomainExtractorTests
{
    private static AuthorDomainExtraction Extract(params string[] values) => AuthorDomainExtractor.Extract(values);

    [TestCase("user@example.com", "example.com")]
    [TestCase(" Marc Bradshaw <marc@marcbradshaw.net>", "marcbradshaw.net")]
    [TestCase("<User@Example.COM>", "example.com")]
    [TestCase("user@example.com.", "example.com")]
    [TestCase("marc@ marcbradshaw.net", "marcbradshaw.net")]
    [TestCase("user@example.com (a comment)", "example.com")]
    [TestCase("Real Name\r\n <user@\r\n\tvictim.example>", "victim.example")]
    [TestCase("=?utf-8?q?Gr=C3=BC=C3=9Fe?= <user@example.com>", "example.com")]
    public void Extract_OneMailbox_GivesItsDomain(string value, string domain)
    {
        var extraction = Extract(value);

        Assert.That((extraction.Domains, extraction.Problem, extraction.Detail), Is.EqualTo((new[] { domain }, AuthorDomainProblem.None, (string?)null)));
    }

    // The display name is a quoted string with a quoted-pair: the address is the one in angle brackets.
    [TestCase("\"evil\\\"@attacker.example\" <user@victim.example>", "victim.example")]
    [TestCase("\"user@victim.example\" <attacker@evil.example>", "evil.example")]
    [TestCase("attacker@evil.example (user@victim.example)", "evil.example")]
    public void Extract_AddressLikeDisplayNameOrComment_UsesTheRealAddress(string value, string domain) =>
        Assert.That(Extract(value).Domains, Is.EqualTo(new[] { domain }));

    [TestCase("user@bücher.example", "xn--bcher-kva.example")]
    [TestCase("user@BÜCHER.example", "xn--bcher-kva.example")]
    [TestCase("user@xn--bcher-kva.example", "xn--bcher-kva.example")]
    [TestCase("user@XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example")]
    public void Extract_IdnDomain_IsOneLowerCaseALabel(string value, string domain) =>
        Assert.That(Extract(value).Domains, Is.EqualTo(new[] { domain }));

    [Test]
    public void Extract_NoField_IsNoFromHeader() =>
        Assert.That(Summary(Extract()), Is.EqualTo((AuthorDomainProblem.NoFromHeader, "")));

    [Test]
    public void Extract_TwoFieldsTwoDomains_ReportsBothDomains() =>
        Assert.That(Summary(Extract("a@victim.example", "b@attacker.example")), Is.EqualTo((AuthorDomainProblem.MultipleFromHeaders, "victim.example attacker.example")));

    [Test]
    public void Extract_TwoFieldsSameDomain_ReportsOneDomain() =>
        Assert.That(Summary(Extract("a@example.com", "b@EXAMPLE.com")), Is.EqualTo((AuthorDomainProblem.MultipleFromHeaders, "example.com")));

    [TestCase("a@victim.example, b@attacker.example", "victim.example attacker.example")]
    [TestCase("a@example.com, b@example.com", "example.com")]
    public void Extract_SeveralAddresses_ReportsEveryDomain(string value, string domains) =>
        Assert.That(Summary(Extract(value)), Is.EqualTo((AuthorDomainProblem.MultipleAddresses, domains)));

    [Test]
    public void Extract_AuthmilterMultiFrom_ReportsThreeDomains() =>
        Assert.That(
            Summary(Extract("test@goestheweasel.com", "test@marcbradshaw.net, test@example.com")),
            Is.EqualTo((AuthorDomainProblem.MultipleFromHeaders, "goestheweasel.com marcbradshaw.net example.com")));

    [TestCase("undisclosed-recipients:;", "")]
    [TestCase("group: a@victim.example;", "victim.example")]
    [TestCase("group: a@victim.example, b@attacker.example;", "victim.example attacker.example")]
    public void Extract_GroupSyntax_ReportsMemberDomains(string value, string domains) =>
        Assert.That(Summary(Extract(value)), Is.EqualTo((AuthorDomainProblem.GroupSyntax, domains)));

    [TestCase("user")]
    [TestCase("<user>")]
    [TestCase("Name <user>")]
    public void Extract_NoDomain_IsNoDomain(string value) =>
        Assert.That(Summary(Extract(value)), Is.EqualTo((AuthorDomainProblem.NoDomain, "")));

    [Test]
    public void Extract_DomainLiteral_IsInvalidDomain() =>
        Assert.That(Summary(Extract("user@[192.0.2.1]")), Is.EqualTo((AuthorDomainProblem.InvalidDomain, "")));

    // Strict parsing: what a lenient parser would guess at is not guessed.
    [TestCase("<user@victim.example")]
    [TestCase("user@victim.example>")]
    [TestCase("\"evil\\\"@attacker.example <user@victim.example>")]
    [TestCase("user@victim.example <attacker@evil.example>")]
    [TestCase("a@b@victim.example")]
    [TestCase("user@victim..example")]
    [TestCase("")]
    [TestCase("\"Dear Customer\r\n \r\n Happy new Year")]
    public void Extract_Malformed_IsUnparsableWithoutDomain(string value) =>
        Assert.That(Summary(Extract(value)), Is.EqualTo((AuthorDomainProblem.Unparsable, "")));

    [Test]
    public void Extract_OneFieldUnparsable_KeepsTheOtherFieldsDomains() =>
        Assert.That(Summary(Extract("user@victim.example", "<broken")), Is.EqualTo((AuthorDomainProblem.Unparsable, "victim.example")));

    [Test]
    public void Extract_SeveralProblems_ReportsTheMostSevere()
    {
        var extraction = Extract("a@x.example, user", "g: b@y.example;");

        Assert.That(Summary(extraction), Is.EqualTo((AuthorDomainProblem.NoDomain, "x.example y.example")));
        Assert.That(extraction.Detail, Is.EqualTo("no domain in the From address \"user\""));
    }

    [Test]
    public void Extract_Null_Throws()
    {
        Assert.That(() => AuthorDomainExtractor.Extract(null!), Throws.ArgumentNullException);
        Assert.That(() => AuthorDomainExtractor.Extract([null!]), Throws.ArgumentNullException);
    }

    private static (AuthorDomainProblem Problem, string Domains) Summary(AuthorDomainExtraction extraction) =>
        (extraction.Problem, string.Join(' ', extraction.Domains));
}
