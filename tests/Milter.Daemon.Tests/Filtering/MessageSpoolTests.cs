using System.Buffers;
using System.Text;
using Milter.Daemon.Filtering;
using Milter.Protocol.Handling;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Filtering;

public class MessageSpoolTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("spool-test-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void OpenRead_HeadersAsPostfixSendsThem_RebuildsTheWireBytes()
    {
        using var spool = new MessageSpool(1024, _directory);
        spool.AddHeader(new MilterHeader("From", " Alice <alice@example.org>"));
        spool.AddHeader(new MilterHeader("Subject", " folded\n over two lines"));
        spool.AddHeader(new MilterHeader("X-Crlf", " already\r\n\tcrlf"));
        spool.AddHeader(new MilterHeader("X-Tight", "no space"));
        spool.EndHeaders();
        spool.AddBody(new ReadOnlySequence<byte>("Hello\r\n"u8.ToArray()));

        Assert.That(Read(spool), Is.EqualTo(
            "From: Alice <alice@example.org>\r\nSubject: folded\r\n over two lines\r\nX-Crlf: already\r\n\tcrlf\r\nX-Tight:no space\r\n\r\nHello\r\n"));
    }

    [Test]
    public void Write_PastTheThreshold_MovesToATempFileAndKeepsEveryByte()
    {
        using var spool = new MessageSpool(100, _directory);
        spool.AddHeader(new MilterHeader("Subject", " big"));
        spool.EndHeaders();
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef\r\n", 50)));

        spool.AddBody(new ReadOnlySequence<byte>(body, 0, 40));
        Assert.That(spool.IsOnDisk, Is.False, "60 bytes fit under the threshold of 100");
        spool.AddBody(new ReadOnlySequence<byte>(body, 40, body.Length - 40));

        Assert.That(spool.IsOnDisk, Is.True);
        Assert.That(Directory.GetFiles(_directory), Has.Length.EqualTo(1));
        Assert.That(Read(spool), Is.EqualTo("Subject: big\r\n\r\n" + Encoding.ASCII.GetString(body)));
    }

    [Test]
    public void Reset_OnDisk_DeletesTheFileAndStartsEmpty()
    {
        var spool = new MessageSpool(10, _directory);
        spool.AddHeader(new MilterHeader("Subject", " more than ten bytes"));

        spool.Reset();

        Assert.That(Directory.GetFiles(_directory), Is.Empty);
        Assert.That(spool.Length, Is.Zero);
        spool.Dispose();
    }

    [Test]
    public void OpenRead_DisposingTheReader_KeepsTheSpool()
    {
        using var spool = new MessageSpool(1024, _directory);
        spool.AddHeader(new MilterHeader("A", " b"));
        spool.OpenRead().Dispose();

        Assert.That(Read(spool), Is.EqualTo("A: b\r\n"));
    }

    private static string Read(MessageSpool spool)
    {
        using var stream = spool.OpenRead();
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        return reader.ReadToEnd();
    }
}
