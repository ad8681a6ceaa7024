using System.Text;
using Milter.Authentication.Dkim;
using Milter.Dns;
using Milter.IntegrationTests.Support;
using Milter.TestKit;
using Milter.TestKit.Dns;
using NUnit.Framework;

namespace Milter.IntegrationTests.Dkim;

/// <summary>
/// Every signed message of the DKIM corpora that list their keys as <c>name value</c> lines (RFC 8463, dkimpy,
/// MimeKit) goes through a real Postfix to the authmilter process, with the keys served by Knot: each signature must
/// get the same result as when the file itself is verified, which proves the message is rebuilt byte-exactly.
/// </summary>
[NonParallelizable]
public class DkimThroughPostfixTests
{
    private static readonly (string Corpus, string Message)[] Messages =
    [
        ("rfc8463", "signed-message.eml"),
        ("mimekit", "gmail.msg"),
        ("mimekit", "related.msg"),
        ("mimekit", "multipart-no-end-boundary.msg"),
        ("dkimpy", "test2.message"),
        ("dkimpy", "ed25519test2.msg"),
        ("dkimpy", "rfc6376.signed.msg"),
    ];

    private KnotDnsServer _dns = null!;
    private DaemonMailPath _path = null!;
    private InMemoryDnsResolver _keys = null!;

    public static IEnumerable<TestCaseData> Cases() => Messages.Select(m => new TestCaseData(m.Corpus, m.Message).SetName($"DkimThroughPostfix {m.Corpus}/{m.Message}"));

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var records = new[] { "rfc8463", "dkimpy", "mimekit" }
            .SelectMany(corpus => File.ReadAllLines(RepositoryPaths.SharedTestData("dkim", corpus, "dns.txt")))
            .Where(line => line.Contains("._domainkey.", StringComparison.Ordinal))
            .Select(line => (Name: line[..line.IndexOf(' ')], Value: line[(line.IndexOf(' ') + 1)..]))
            .DistinctBy(r => r.Name)
            .ToArray();
        _keys = new InMemoryDnsResolver();
        foreach (var (name, value) in records)
        {
            _keys.AddTxt(name, value);
        }

        // One zone per signing domain: the key lives at selector._domainkey.<domain>.
        var zones = records
            .GroupBy(r => r.Name[(r.Name.IndexOf("._domainkey.", StringComparison.Ordinal) + "._domainkey.".Length)..])
            .Select(g => new DnsTestZone(g.Key, string.Join('\n', g.Select(r => $"{r.Name}. TXT {Quoted(r.Value)}"))));
        _dns = await KnotDnsServer.StartAsync(zones);
        _path = await DaemonMailPath.StartAsync(["AuthservId mx.test", $"Nameservers {_dns.EndPoint}", "SpfMode off", "DmarcMode off", "IprevCheck no", "ArcVerify no"]);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _path.DisposeAsync();
        _dns.Dispose();
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Signature_AfterPostfix_VerifiesAsTheOriginalFile(string corpus, string file)
    {
        var message = Encoding.UTF8.GetBytes(File.ReadAllText(RepositoryPaths.SharedTestData("dkim", corpus, file), Encoding.UTF8).ReplaceLineEndings("\r\n"));
        using var original = new MemoryStream(message, writable: false);
        var expected = (await new DkimChecker(_keys, new DkimOptions { ClockSkew = TimeSpan.FromDays(365 * 30) }).VerifyAsync(original, CancellationToken.None))
            .Select(r => $"dkim={r.Result.ToString().ToLowerInvariant()}")
            .ToArray();
        Assert.That(expected, Has.Some.EqualTo("dkim=pass"), "the corpus file verifies on its own");

        await using var client = await _path.Mail.ConnectAsync("192.0.2.1", "mail.example.net");
        var reply = await client.SendMessageAsync("sender@example.net", ["rcpt@example.test"], message);

        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        var delivered = await _path.Mail.Sink.ReceiveAsync(MailPath.Timeout);
        var results = delivered.HeaderLines[0];
        Assert.That(results, Does.StartWith("Authentication-Results: mx.test; dkim="));
        var actual = results.Split("; ").Skip(1).Select(entry => entry.Split(' ')[0]).ToArray();
        Assert.That(actual, Is.EqualTo(expected), results);
    }

    // TXT data in zone-file syntax: character-strings of at most 255 octets, quoted.
    private static string Quoted(string value) =>
        string.Join(' ', value.Chunk(255).Select(chunk => "\"" + new string(chunk).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""));
}
