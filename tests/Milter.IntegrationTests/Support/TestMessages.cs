using System.Text;

namespace Milter.IntegrationTests.Support;

/// <summary>Test messages with CRLF line ends, as SMTP carries them.</summary>
public static class TestMessages
{
    public const string Sender = "alice@example.org";
    public const string Recipient = "bob@example.net";

    /// <summary>A file from TestData with its line ends turned into CRLF.</summary>
    public static byte[] Load(string name)
    {
        var text = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", name));
        return Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));
    }

    /// <summary>A short message whose Subject carries <paramref name="subject"/> (handlers key their verdict on it).</summary>
    public static byte[] Simple(string subject) => Encoding.UTF8.GetBytes(
        $"From: Alice <{Sender}>\r\n" +
        $"To: Bob <{Recipient}>\r\n" +
        $"Subject: {subject}\r\n" +
        "Date: Tue, 12 Nov 2024 09:14:02 +0100\r\n" +
        $"Message-ID: <{Guid.NewGuid():N}@example.org>\r\n" +
        "\r\n" +
        $"Body of '{subject}'.\r\n");
}
