using System.Globalization;
using Milter.IntegrationTests.Support;
using Milter.Protocol.Handling;

namespace Milter.IntegrationTests;

/// <summary>
/// End of DATA to the 250 through real Postfix over inet: with every stage before end of message negotiated as
/// "no reply", Postfix writes several commands before waiting, and a server that let the kernel delay its ACK
/// would add a ~40 ms stall per message. The engine re-arms TCP_QUICKACK (QuickAckNetworkStream).
/// </summary>
[TestFixture]
public sealed class EndOfDataLatencyTests : MailPathFixture
{
    private const int WarmUpMessages = 5;
    private const int MeasuredMessages = 30;
    private static readonly TimeSpan MedianLimit = TimeSpan.FromMilliseconds(20);

    [Test]
    public async Task FourKilobyteMessage_WarmConnection_MedianEndOfDataUnder20Milliseconds()
    {
        var message = TestMessages.Load("message-4k.eml");
        Assert.That(message, Has.Length.InRange(4000, 4500));
        Assert.That(RecordingHandler.DefaultRequirements.ReplyStages, Is.EqualTo(MilterStages.None));
        await using var client = await Path.ConnectAsync();

        var latencies = new List<TimeSpan>();
        for (var i = 0; i < WarmUpMessages + MeasuredMessages; i++)
        {
            var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], message);
            Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
            if (i >= WarmUpMessages)
            {
                latencies.Add(reply.RoundTrip);
            }
        }

        await client.QuitAsync();
        for (var i = 0; i < WarmUpMessages + MeasuredMessages; i++)
        {
            await Path.Sink.ReceiveAsync(MailPath.Timeout);
        }

        var sorted = latencies.Order().ToList();
        var median = sorted[sorted.Count / 2];
        TestContext.Out.WriteLine(
            $"End of DATA to 250, {MeasuredMessages} warm 4 KB messages (ms): median {Ms(median)}, min {Ms(sorted[0])}, max {Ms(sorted[^1])}");
        TestContext.Out.WriteLine("In order: " + string.Join(' ', latencies.Select(Ms)));
        Assert.That(median, Is.LessThan(MedianLimit));
    }

    protected override MilterMessageResult EndOfMessage(RecordedMessage message) => MilterMessageResult.ContinueUnchanged;

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture);
}
