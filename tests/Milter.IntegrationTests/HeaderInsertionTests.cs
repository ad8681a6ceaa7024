using System.Text;
using Milter.IntegrationTests.Support;
using Milter.Protocol.Handling;

namespace Milter.IntegrationTests;

/// <summary>Header changes made at end of message, as they arrive after real Postfix applied them.</summary>
[TestFixture]
public sealed class HeaderInsertionTests : MailPathFixture
{
    private const string AuthenticationResults = "mx.authmilter.test; spf=pass smtp.mailfrom=example.org";

    [Test]
    public async Task InsertAtZeroAndAdd_MessageAtSink_HasResultsOnTopAndOriginalBytesIntact()
    {
        var original = TestMessages.Load("message-4k.eml");
        await using var client = await Path.ConnectAsync();

        var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], original);
        var delivered = await Path.Sink.ReceiveAsync(MailPath.Timeout);

        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        Assert.That(delivered.Helo, Is.EqualTo("mx.authmilter.test"));
        Assert.That(delivered.Sender, Is.EqualTo(TestMessages.Sender));
        Assert.That(delivered.Recipients, Is.EqualTo(new[] { TestMessages.Recipient }));
        var lines = delivered.HeaderLines;
        Assert.That(lines[0], Is.EqualTo("Authentication-Results: " + AuthenticationResults));

        // Below it: Postfix's own Received field (with its folded lines), then the original message, with the
        // added header at the end of the header block.
        Assert.That(lines[1], Does.StartWith("Received: from mail.example (unknown [192.0.2.1])"));
        var received = string.Concat(lines.Skip(1).TakeWhile((line, i) => i == 0 || line[0] is ' ' or '\t').Select(line => line + "\r\n"));
        var separator = IndexOf(original, "\r\n\r\n"u8) + 2;
        var expected = Encoding.UTF8.GetBytes($"Authentication-Results: {AuthenticationResults}\r\n{received}")
            .Concat(original[..separator])
            .Concat("X-Authmilter-Test: added\r\n"u8.ToArray())
            .Concat(original[separator..])
            .ToArray();
        Assert.That(delivered.Text, Is.EqualTo(Encoding.UTF8.GetString(expected)));
    }

    protected override MilterMessageResult EndOfMessage(RecordedMessage message) =>
        new MilterMessageResult()
            .AddHeaderChange(new HeaderChange.Insert(0, "Authentication-Results", AuthenticationResults))
            .AddHeaderChange(new HeaderChange.Add("X-Authmilter-Test", "added"));

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
