using System.Net;
using System.Text;
using Milter.Dns;
using Milter.TestKit;
using Milter.TestKit.Client;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Filtering;

/// <summary>DKIM through the daemon's handler: the message is rebuilt from milter commands and verified.</summary>
public class DkimFilteringTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");

    private InMemoryDnsResolver _dns = null!;

    [SetUp]
    public void SetUp()
    {
        _dns = new InMemoryDnsResolver();
        foreach (var line in File.ReadAllLines(RepositoryPaths.SharedTestData("dkim", "rfc8463", "dns.txt")))
        {
            var space = line.IndexOf(' ');
            _dns.AddTxt(line[..space], line[(space + 1)..]);
        }
    }

    [Test]
    public async Task EndOfMessage_Rfc8463Example_BothSignaturesPass()
    {
        var result = await SendAsync(Load("dkim/rfc8463/signed-message.eml"));

        Assert.That(ResultsHeader(result), Is.EqualTo(
            " mx.test.example; dkim=pass header.d=football.example.com header.i=@football.example.com header.s=brisbane header.a=ed25519-sha256 header.b=/gCrinpc;" +
            " dkim=pass header.d=football.example.com header.i=@football.example.com header.s=test header.a=rsa-sha256 header.b=F45dVWDf"));
    }

    [Test]
    public async Task EndOfMessage_TamperedBody_Fails()
    {
        var text = Load("dkim/rfc8463/signed-message.eml").Replace("We lost the game.", "We won the game.", StringComparison.Ordinal);

        var header = ResultsHeader(await SendAsync(text));

        Assert.That(header, Does.Contain("dkim=fail (body hash did not verify) header.d=football.example.com"));
        Assert.That(header, Does.Not.Contain("dkim=pass"));
    }

    [Test]
    public async Task EndOfMessage_TinySpoolThreshold_VerifiesFromTheSpoolFile()
    {
        var result = await SendAsync(Load("dkim/rfc8463/signed-message.eml"), "SpoolThreshold 4096");

        Assert.That(ResultsHeader(result), Does.Contain("dkim=pass header.d=football.example.com header.i=@football.example.com header.s=brisbane"));
    }

    [Test]
    public async Task Body_UnsignedMessage_IsSkippedAndReportedAsNone()
    {
        var result = await SendAsync(Load("dkim/rfc8463/unsigned-message.eml"));

        Assert.That(ResultsHeader(result), Is.EqualTo(" mx.test.example; dkim=none"));
        Assert.That(_dns.QueryCount, Is.Zero);
    }

    [Test]
    public async Task EndOfMessage_KeyLookupTimesOut_IsTemperror()
    {
        var dns = new InMemoryDnsResolver().AddTemporaryError("brisbane._domainkey.football.example.com").AddTemporaryError("test._domainkey.football.example.com");
        _dns = dns;

        var header = ResultsHeader(await SendAsync(Load("dkim/rfc8463/signed-message.eml")));

        Assert.That(header, Does.Contain("dkim=temperror"));
        Assert.That(header, Does.Not.Contain("dkim=pass"));
    }

    // The corpus stores LF line ends; SMTP carries CRLF.
    private static string Load(string relative) => File.ReadAllText(RepositoryPaths.SharedTestData(relative)).ReplaceLineEndings("\r\n");

    private static string ResultsHeader(MilterTransactionResult result) =>
        result.EndOfMessage!.Modifications.OfType<MilterClientModification.InsertHeader>().Single(m => m.Name == "Authentication-Results").Value;

    private Task<MilterTransactionResult> SendAsync(string message, params string[] settings) =>
        FilterHarness.SendAsync(FilterHarness.Settings(["SpfMode off", "DmarcMode off", "IprevCheck no", "ArcVerify no", .. settings]), _dns, ParsedEml.Parse(Encoding.ASCII.GetBytes(message)), "<joe@football.example.com>", Client, "mail.football.example.com");
}
