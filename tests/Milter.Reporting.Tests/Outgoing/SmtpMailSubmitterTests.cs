using System.Net;
using System.Net.Sockets;
using MimeKit;
using Milter.Reporting.Mail;
using Milter.Reporting.Outgoing;
using Milter.TestKit.Postfix;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Outgoing;

[TestFixture]
public sealed class SmtpMailSubmitterTests
{
    private static readonly MailboxAddress From = MailboxAddress.Parse("dmarc-reports@receiver.example");
    private static readonly MailboxAddress To = MailboxAddress.Parse("dmarc@example.com");

    [Test]
    public async Task SubmitAsync_SinkAccepts_MessageArrivesIntact()
    {
        await using var sink = SmtpSink.Start();
        var message = ReportMail();
        var submitter = new SmtpMailSubmitter(new ReportingOptions { SmtpServer = $"127.0.0.1:{sink.EndPoint.Port}" }, TimeSpan.FromSeconds(10));

        await submitter.SubmitAsync(message, From, [To], CancellationToken.None);

        var received = await sink.ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.That(received.Sender, Is.EqualTo("dmarc-reports@receiver.example"));
        Assert.That(received.Recipients, Is.EqualTo(new[] { "dmarc@example.com" }));
        var parsed = MimeMessage.Load(new MemoryStream(received.Data));
        Assert.That(parsed.Subject, Is.EqualTo(message.Subject));
        Assert.That(parsed.MessageId, Is.EqualTo(message.MessageId));
        Assert.That(Content(parsed.Attachments.OfType<MimePart>().Single()), Is.EqualTo(Content(message.Attachments.OfType<MimePart>().Single())));
    }

    [TestCase("550 5.7.1 Relaying denied", false)]
    [TestCase("451 4.3.0 Try again later", true)]
    public async Task SubmitAsync_ServerRefuses_DeliveryExceptionTransientOnlyFor4xx(string reply, bool transient)
    {
        await using var server = new ScriptedSmtpServer(reply);
        var submitter = new SmtpMailSubmitter(new ReportingOptions { SmtpServer = $"127.0.0.1:{server.Port}" }, TimeSpan.FromSeconds(10));

        var exception = Assert.ThrowsAsync<ReportDeliveryException>(() => submitter.SubmitAsync(ReportMail(), From, [To], CancellationToken.None));

        Assert.That(exception!.Transient, Is.EqualTo(transient));
        Assert.That(exception.Message, Does.Contain(reply[..3]));
    }

    [Test]
    public void SubmitAsync_NothingListens_TransientDeliveryException()
    {
        var submitter = new SmtpMailSubmitter(new ReportingOptions { SmtpServer = $"127.0.0.1:{ClosedPort()}" }, TimeSpan.FromSeconds(10));

        var exception = Assert.ThrowsAsync<ReportDeliveryException>(() => submitter.SubmitAsync(ReportMail(), From, [To], CancellationToken.None));

        Assert.That(exception!.Transient, Is.True);
    }

    [TestCase("mail.example", "mail.example", 25)]
    [TestCase("mail.example:587", "mail.example", 587)]
    [TestCase("[::1]:2525", "::1", 2525)]
    [TestCase("[::1]", "::1", 25)]
    [TestCase("::1", "::1", 25)]
    public void ParseServer_Forms_HostAndPort(string text, string host, int port)
    {
        Assert.That(SmtpMailSubmitter.ParseServer(text), Is.EqualTo((host, port)));
    }

    [TestCase("")]
    [TestCase(":25")]
    [TestCase("mail.example:0")]
    [TestCase("mail.example:65536")]
    [TestCase("mail.example:smtp")]
    [TestCase("[::1")]
    public void ParseServer_Malformed_FormatException(string text)
    {
        Assert.That(() => SmtpMailSubmitter.ParseServer(text), Throws.TypeOf<FormatException>());
    }

    private static MimeMessage ReportMail()
    {
        var report = new ReportBuilder(ReportSamples.Options(), "treewalk").Build(ReportSamples.History(), ReportSamples.Day);
        var compressed = ReportFile.Compress("<feedback/>"u8);
        return ReportMailComposer.Compose(report, compressed, From, To, ReportSamples.Day.End);
    }

    private static byte[] Content(MimePart part)
    {
        var bytes = new MemoryStream();
        part.Content!.DecodeTo(bytes);
        return bytes.ToArray();
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
