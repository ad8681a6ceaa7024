using Milter.IntegrationTests.Dmarc;
using Milter.IntegrationTests.Support;
using Milter.TestKit.Daemon;

namespace Milter.IntegrationTests.Reporting;

/// <summary>What the reporting integration tests share: mail through Postfix to the daemon, and the authmilter command line.</summary>
internal static class ReportingMail
{
    /// <summary>Sends an unsigned message from <paramref name="mailFrom"/> that Postfix must accept and relay to the path's sink.</summary>
    public static async Task DeliverAsync(DaemonMailPath path, string clientAddress, string mailFrom, string recipient, string subject)
    {
        await using var client = await path.Mail.ConnectAsync(clientAddress, "mail.sender.test");
        var reply = await client.SendMessageAsync(mailFrom, [recipient], DmarcMail.Message(mailFrom, subject));
        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        await path.Mail.Sink.ReceiveAsync(MailPath.Timeout);
    }

    /// <summary>Sends an unsigned message from <paramref name="mailFrom"/> that the daemon must have Postfix refuse with 550.</summary>
    public static async Task RefuseAsync(DaemonMailPath path, string clientAddress, string mailFrom, string subject)
    {
        await using var client = await path.Mail.ConnectAsync(clientAddress, "mail.forwarder.test");
        var reply = await client.SendMessageAsync(mailFrom, [TestMessages.Recipient], DmarcMail.Message(mailFrom, subject));
        Assert.That(reply.Code, Is.EqualTo(550), reply.ToString());
    }

    /// <summary>Sends an unsigned message from <paramref name="mailFrom"/> that Postfix must accept and, quarantined by the daemon, put on hold.</summary>
    public static async Task HoldAsync(DaemonMailPath path, string clientAddress, string mailFrom, string subject)
    {
        await using var client = await path.Mail.ConnectAsync(clientAddress, "mail.forwarder.test");
        var reply = await client.SendMessageAsync(mailFrom, [TestMessages.Recipient], DmarcMail.Message(mailFrom, subject));
        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        var held = (await path.Mail.Postfix.ListQueueAsync()).SingleOrDefault(entry => entry.QueueId == reply.PostfixQueueId);
        Assert.That(held?.QueueName, Is.EqualTo("hold"), $"queue id {reply.PostfixQueueId}");
    }

    /// <summary>Runs the authmilter command line (e.g. <c>report send --config FILE</c>) to its end; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        await using var process = DaemonProcess.Start(null, arguments);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return (code, process.Output);
    }
}
