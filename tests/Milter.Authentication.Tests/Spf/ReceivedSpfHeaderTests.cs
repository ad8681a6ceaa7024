using System.Net;
using Milter.Authentication.Spf;

namespace Milter.Authentication.Tests.Spf;

public class ReceivedSpfHeaderTests
{
    [Test]
    public void Format_Pass_GivesRfc7208Section91Fields()
    {
        var evaluation = Evaluation(SpfResult.Pass) with { Mechanism = "ip4:192.0.2.0/24" };

        Assert.That(ReceivedSpfHeader.Format(evaluation, "mybox.example.org"), Is.EqualTo(
            "pass (mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender)"
            + " client-ip=192.0.2.1; envelope-from=\"myname@example.com\"; helo=foo.example.com;"
            + " receiver=mybox.example.org; identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\";"));
    }

    [Test]
    public void Format_PermErrorOnHelo_AddsProblemAndOmitsNullEnvelope()
    {
        var evaluation = Evaluation(SpfResult.PermError) with
        {
            Identity = SpfIdentity.Helo,
            Sender = "postmaster@foo.example.com",
            EnvelopeFrom = null,
            Problem = "foo.example.com: unknown mechanism \"moo\"",
        };

        Assert.That(ReceivedSpfHeader.Format(evaluation, "mybox.example.org"), Is.EqualTo(
            "permerror (mybox.example.org: permanent error in processing domain of postmaster@foo.example.com)"
            + " client-ip=192.0.2.1; helo=foo.example.com; receiver=mybox.example.org; identity=helo;"
            + " problem=\"foo.example.com: unknown mechanism \\\"moo\\\"\";"));
    }

    [Test]
    public void Format_HostileValues_CannotBreakTheField()
    {
        var evaluation = Evaluation(SpfResult.Neutral) with
        {
            ClientAddress = IPAddress.Parse("2001:db8::1"),
            Sender = "a(b)\\c@example.com",
            EnvelopeFrom = "x\r\nBcc: victim@example.com",
            Helo = "evil\"helo",
        };

        var value = ReceivedSpfHeader.Format(evaluation, "mx");

        Assert.That(value, Is.EqualTo(
            "neutral (mx: 2001:db8::1 is neither permitted nor denied by domain of a\\(b\\)\\\\c@example.com)"
            + " client-ip=\"2001:db8::1\"; envelope-from=\"x??Bcc: victim@example.com\"; helo=\"evil\\\"helo\";"
            + " receiver=mx; identity=mailfrom;"));
    }

    [TestCase(SpfResult.None, "none")]
    [TestCase(SpfResult.Neutral, "neutral")]
    [TestCase(SpfResult.Pass, "pass")]
    [TestCase(SpfResult.Fail, "fail")]
    [TestCase(SpfResult.SoftFail, "softfail")]
    [TestCase(SpfResult.TempError, "temperror")]
    [TestCase(SpfResult.PermError, "permerror")]
    public void Keyword_Result_IsRfcName(SpfResult result, string expected) =>
        Assert.That(ReceivedSpfHeader.Keyword(result), Is.EqualTo(expected));

    [Test]
    public void Keyword_UndefinedValue_Throws() =>
        Assert.That(() => ReceivedSpfHeader.Keyword((SpfResult)99), Throws.TypeOf<ArgumentOutOfRangeException>());

    private static SpfEvaluation Evaluation(SpfResult result) => new()
    {
        Result = result,
        Identity = SpfIdentity.MailFrom,
        ClientAddress = IPAddress.Parse("192.0.2.1"),
        Sender = "myname@example.com",
        Domain = "example.com",
        Helo = "foo.example.com",
        EnvelopeFrom = "myname@example.com",
    };
}
