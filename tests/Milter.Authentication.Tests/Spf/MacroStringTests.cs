using System.Net;
using System.Text;
using Milter.Authentication.Spf;

namespace Milter.Authentication.Tests.Spf;

public class MacroStringTests
{
    private const string Sender = "strong-bad@email.example.com";
    private const string Domain = "email.example.com";

    // RFC 7208 section 7.4, with <sender> strong-bad@email.example.com, IPv4 client 192.0.2.3,
    // and validated PTR name mx.example.org.
    [TestCase("%{s}", "strong-bad@email.example.com")]
    [TestCase("%{o}", "email.example.com")]
    [TestCase("%{d}", "email.example.com")]
    [TestCase("%{d4}", "email.example.com")]
    [TestCase("%{d3}", "email.example.com")]
    [TestCase("%{d2}", "example.com")]
    [TestCase("%{d1}", "com")]
    [TestCase("%{dr}", "com.example.email")]
    [TestCase("%{d2r}", "example.email")]
    [TestCase("%{l}", "strong-bad")]
    [TestCase("%{l-}", "strong.bad")]
    [TestCase("%{lr}", "strong-bad")]
    [TestCase("%{lr-}", "bad.strong")]
    [TestCase("%{l1r-}", "strong")]
    [TestCase("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com")]
    [TestCase("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com")]
    [TestCase("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com")]
    [TestCase("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com")]
    [TestCase("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net")]
    [TestCase("%{p}", "mx.example.org")]
    [TestCase("%{p2}", "example.org")]
    public void Expand_Rfc7208Section74ExampleIPv4_GivesRfcText(string macro, string expected) =>
        Assert.That(Expand(macro, MacroSyntax.Term, "192.0.2.3"), Is.EqualTo(expected));

    [Test]
    public void Expand_Rfc7208Section74ExampleIPv6_GivesRfcText() =>
        Assert.That(Expand("%{ir}.%{v}._spf.%{d2}", MacroSyntax.Term, "2001:db8::cb01"),
            Is.EqualTo("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"));

    [TestCase("%%", "%")]
    [TestCase("%_", " ")]
    [TestCase("%-", "%20")]
    [TestCase("a%%b%_c%-d", "a%b c%20d")]
    public void Expand_EscapeSequences_GiveTheirCharacters(string macro, string expected) =>
        Assert.That(Expand(macro, MacroSyntax.Term, "192.0.2.3"), Is.EqualTo(expected));

    [Test]
    public void Expand_UpperCaseLetter_UrlEscapesOutsideUnreserved() =>
        Assert.That(Expand("%{L}", MacroSyntax.Term, "192.0.2.3", "~jack&jill=up a_b3.c@example.com"),
            Is.EqualTo("~jack%26jill%3Dup%20a_b3.c"));

    [Test]
    public void Expand_SeveralDelimiters_SplitsOnEach() =>
        Assert.That(Expand("%{l2r+-}", MacroSyntax.Term, "192.0.2.3", "foo-bar+zip+quux@example.com"),
            Is.EqualTo("bar.foo"));

    [Test]
    public void Expand_PartsBeyondCount_KeepsAll() =>
        Assert.That(Expand("%{d99}", MacroSyntax.Term, "192.0.2.3"), Is.EqualTo(Domain));

    [Test]
    public void Expand_ExplanationLetters_GiveClientReceiverAndTime() =>
        Assert.That(Expand("%{c} %{r} %{t}", MacroSyntax.Explanation, "2001:DB8::CB01"),
            Is.EqualTo("2001:db8::cb01 receiver.example 1700000000"));

    [Test]
    public void Expand_ValidatedNameUnknown_GivesUnknown()
    {
        MacroString.TryParse("%{p}", MacroSyntax.Term, out var macro, out _);

        Assert.That(macro.Expand(Values("192.0.2.3", Sender), Domain, null, new StringBuilder()), Is.EqualTo("unknown"));
    }

    [Test]
    public void Expand_LiteralOnly_ReturnsSourceWithoutCopy()
    {
        const string text = "_spf.example.com";
        MacroString.TryParse(text, MacroSyntax.Term, out var macro, out _);

        Assert.That(macro.Expand(Values("192.0.2.3", Sender), Domain, null, new StringBuilder()), Is.SameAs(text));
    }

    [TestCase("%")]
    [TestCase("%(ir)")]
    [TestCase("foo%.bar")]
    [TestCase("%{a}")]
    [TestCase("%{d0}")]
    [TestCase("%{d")]
    [TestCase("%{d2x}")]
    [TestCase("%{c}")]
    [TestCase("%{r}")]
    [TestCase("%{t}")]
    [TestCase("a b")]
    [TestCase("caf\u00e9")]
    public void TryParse_InvalidTermMacro_Fails(string text)
    {
        var parsed = MacroString.TryParse(text, MacroSyntax.Term, out _, out var problem);

        Assert.That(parsed, Is.False);
        Assert.That(problem, Is.Not.Empty);
    }

    [TestCase("%{c} is not allowed")]
    [TestCase("%{r}%{t}")]
    public void TryParse_ExplanationWithSpacesAndCrt_Succeeds(string text) =>
        Assert.That(MacroString.TryParse(text, MacroSyntax.Explanation, out _, out _), Is.True);

    [TestCase("example.com", false)]
    [TestCase("%{d}", true)]
    [TestCase("%{d}.com", false)]
    [TestCase("x%%", true)]
    public void TryParse_Text_ReportsWhetherItEndsWithExpand(string text, bool expected)
    {
        MacroString.TryParse(text, MacroSyntax.Term, out var macro, out _);

        Assert.That(macro.EndsWithExpand, Is.EqualTo(expected));
    }

    private static string Expand(string text, MacroSyntax syntax, string client, string sender = Sender)
    {
        Assert.That(MacroString.TryParse(text, syntax, out var macro, out var problem), Is.True, problem);
        return macro.Expand(Values(client, sender), Domain, "mx.example.org", new StringBuilder());
    }

    private static SpfMacroValues Values(string client, string sender) => new(
        IPAddress.Parse(client), sender, sender.LastIndexOf('@'), "mx.example.org", "receiver.example",
        new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
}
