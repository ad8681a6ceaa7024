using Milter.Authentication.Dkim;

namespace Milter.Authentication.Tests.Dkim;

/// <summary>Reading DKIM-Signature values: each malformed variant is a permerror with its own reason (RFC 6376 sections 3.2, 3.5, 6.1.1).</summary>
public class DkimSignatureTests
{
    [Test]
    public void Parse_ValidFolded_ReadsTags()
    {
        var signature = DkimSignature.Parse(" v=1; a=rsa-sha256; c=relaxed/simple; d=example.com;\r\n\ts=sel; h=from :\r\n to; bh=AA\r\n AA; b=AAAA\r\n\tAAAAAAAA;");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(signature.Problem, Is.Null);
            Assert.That(signature.SignedHeaders, Is.EqualTo(new[] { "from", "to" }));
            Assert.That(signature.BodyHash, Is.EqualTo("AAAA"));
            Assert.That(signature.Identity, Is.EqualTo("@example.com"));
            Assert.That(signature.SignaturePrefix, Is.EqualTo("AAAAAAAA"));
            Assert.That(signature.HeaderCanonicalization, Is.EqualTo(MimeKit.Cryptography.DkimCanonicalizationAlgorithm.Relaxed));
            Assert.That(signature.BodyCanonicalization, Is.EqualTo(MimeKit.Cryptography.DkimCanonicalizationAlgorithm.Simple));
        }
    }

    [TestCase("v=1; v=1", "signature syntax: tag v appears twice")]
    [TestCase("v=1;; a=rsa-sha256", "signature syntax: empty tag between two ';'")]
    [TestCase("v=1; 1a=b", "signature syntax: \"1a\" is not a tag name")]
    [TestCase("a=rsa-sha256", "signature has no v= tag")]
    [TestCase("v=2", "unsupported signature version v=2")]
    [TestCase("v=1", "signature has no a= tag")]
    [TestCase("v=1; a=rsa-md5", "unsupported algorithm a=rsa-md5")]
    [TestCase("v=1; a=rsa-sha256", "signature has no b= tag")]
    [TestCase("v=1; a=rsa-sha256; b=A", "b= is empty or not base64")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA", "signature has no bh= tag")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA", "signature has no d= tag, or an empty one")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com", "signature has no s= tag, or an empty one")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; c=relaxed/fast", "unsupported canonicalization c=relaxed/fast")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel", "signature has no h= tag, or an empty one")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=from::to", "h=from::to has an empty header name")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=to:subject", "From is not among the signed header fields (h=)")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=from; i=joe", "i=joe has no '@'")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=from; i=@badexample.com", "i= domain badexample.com is not d=example.com or a subdomain of it")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=from; i=jo=4", "i=jo=4 is not valid dkim-quoted-printable")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=from; q=dns", "unsupported query method q=dns")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=from; l=-1", "l=-1 is not a body length")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=from; l=2147483648", "l=2147483648 is not a body length")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=from; t=soon", "t=soon is not a timestamp")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=from; x=1e9", "x=1e9 is not a timestamp")]
    [TestCase("v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; s=sel; h=from; t=100; x=100", "x=100 is not later than t=100")]
    public void Parse_Malformed_ProblemSaysWhy(string value, string problem)
    {
        Assert.That(DkimSignature.Parse(value).Problem, Is.EqualTo(problem));
    }

    [Test]
    public void Parse_MalformedAfterReportedTags_StillReportsThem()
    {
        var signature = DkimSignature.Parse("v=1; a=rsa-sha256; d=example.com; s=sel; i=j=40example.com; l=10; b=ABCDEFGHIJKL; h=to");

        Assert.That((signature.Problem, signature.Domain, signature.Selector, signature.AlgorithmName, signature.Identity, signature.BodyLength, signature.SignaturePrefix),
            Is.EqualTo(("signature has no bh= tag", "example.com", "sel", "rsa-sha256", "j@example.com", (int?)10, "ABCDEFGH")));
    }
}
