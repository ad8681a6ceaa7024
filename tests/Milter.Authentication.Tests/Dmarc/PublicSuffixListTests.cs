using Milter.Authentication.Dmarc;

namespace Milter.Authentication.Tests.Dmarc;

public class PublicSuffixListTests
{
    // The format's features: normal rules, a wildcard with an exception, an IDN rule in U-labels, comments, and
    // text after the rule on the same line.
    internal const string SmallList = """
        // ===BEGIN ICANN DOMAINS===
        com
        net
        org
        uk
        co.uk
        // wildcard and exception
        *.ck
        !www.ck
        // IDN rule, stored as an A-label
        公司.cn
        cn
        jp
        *.kobe.jp
        !city.kobe.jp
        example trailing text is ignored
        // ===BEGIN PRIVATE DOMAINS===
        blogspot.com
        """;

    private static PublicSuffixList List() => PublicSuffixList.Parse(new StringReader(SmallList));

    [TestCase("example.com", "example.com")]
    [TestCase("mail.example.com", "example.com")]
    [TestCase("a.b.c.example.com", "example.com")]
    [TestCase("Mail.Example.COM.", "example.com")]
    [TestCase("example.co.uk", "example.co.uk")]
    [TestCase("www.example.co.uk", "example.co.uk")]
    [TestCase("example.uk", "example.uk")]
    [TestCase("foo.bar.ck", "foo.bar.ck")]
    [TestCase("a.foo.bar.ck", "foo.bar.ck")]
    [TestCase("www.ck", "www.ck")]
    [TestCase("a.www.ck", "www.ck")]
    [TestCase("a.b.kobe.jp", "a.b.kobe.jp")]
    [TestCase("a.city.kobe.jp", "city.kobe.jp")]
    [TestCase("x.example.公司.cn", "example.xn--55qx5d.cn")]
    [TestCase("x.example.xn--55qx5d.cn", "example.xn--55qx5d.cn")]
    [TestCase("me.blogspot.com", "me.blogspot.com")]
    [TestCase("a.example.unlisted", "example.unlisted")]
    [TestCase("com", "com")]
    [TestCase("co.uk", "co.uk")]
    [TestCase("localhost", "localhost")]
    public void GetOrganizationalDomain_Rules_GiveSuffixPlusOneLabel(string domain, string expected) =>
        Assert.That(List().GetOrganizationalDomain(domain), Is.EqualTo(expected));

    [Test]
    public void Parse_SmallList_CountsRules() => Assert.That(List().RuleCount, Is.EqualTo(14));

    [Test]
    public void Parse_NoRules_Throws() =>
        Assert.That(() => PublicSuffixList.Parse(new StringReader("// only a comment\n\n")), Throws.TypeOf<InvalidDataException>());

    [Test]
    public void Load_MissingFile_Throws() =>
        Assert.That(() => PublicSuffixList.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))), Throws.TypeOf<FileNotFoundException>());

    [Test]
    public void GetOrganizationalDomain_NotADomain_Throws() =>
        Assert.That(() => List().GetOrganizationalDomain("a..b"), Throws.ArgumentException);

    [Test]
    public void Load_InstalledDebianList_KnowsCommonSuffixes()
    {
        if (!File.Exists(PublicSuffixList.DebianPath))
        {
            Assert.Ignore($"{PublicSuffixList.DebianPath} is not installed (apt package publicsuffix).");
        }

        var list = PublicSuffixList.Load(PublicSuffixList.DebianPath);

        Assert.Multiple(() =>
        {
            Assert.That(list.RuleCount, Is.GreaterThan(5000));
            Assert.That(list.GetOrganizationalDomain("mail.marcbradshaw.net"), Is.EqualTo("marcbradshaw.net"));
            Assert.That(list.GetOrganizationalDomain("www.bbc.co.uk"), Is.EqualTo("bbc.co.uk"));
            Assert.That(list.GetOrganizationalDomain("a.b.example.ck"), Is.EqualTo("b.example.ck"));
            Assert.That(list.GetOrganizationalDomain("a.www.ck"), Is.EqualTo("www.ck"));
        });
    }
}
