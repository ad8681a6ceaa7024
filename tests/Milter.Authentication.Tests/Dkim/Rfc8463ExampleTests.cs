using Milter.Authentication.Dkim;

namespace Milter.Authentication.Tests.Dkim;

/// <summary>RFC 8463 Appendix A: the RFC 6376 sample message signed with ed25519-sha256 and rsa-sha256.</summary>
public class Rfc8463ExampleTests
{
    [Test]
    public async Task VerifyAsync_Rfc8463SignedMessage_BothSignaturesPass()
    {
        var results = await DkimCorpus.VerifyAsync(
            DkimCorpus.ReadMessage("rfc8463", "signed-message.eml"), DkimCorpus.LoadZone("rfc8463", "dns.txt"));

        Assert.That(results, Has.Count.EqualTo(2), DkimCorpus.Describe(results));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(results[0], Is.EqualTo(new DkimSignatureResult
            {
                Result = DkimResult.Pass,
                Reason = "signature verified",
                Domain = "football.example.com",
                Identity = "@football.example.com",
                Selector = "brisbane",
                Algorithm = "ed25519-sha256",
                SignaturePrefix = "/gCrinpc",
                KeyBits = 256,
            }));
            Assert.That(results[1], Is.EqualTo(results[0] with { Selector = "test", Algorithm = "rsa-sha256", SignaturePrefix = "F45dVWDf", KeyBits = 1024 }));
        }
    }

    [Test]
    public async Task VerifyAsync_Rfc8463UnsignedMessage_NoResults()
    {
        var results = await DkimCorpus.VerifyAsync(
            DkimCorpus.ReadMessage("rfc8463", "unsigned-message.eml"), DkimCorpus.LoadZone("rfc8463", "dns.txt"));

        Assert.That(results, Is.Empty, "no signature is DKIM none, never a fail");
    }
}
