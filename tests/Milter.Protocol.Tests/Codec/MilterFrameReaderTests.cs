using System.Buffers;
using Milter.Protocol.Codec;
using Milter.Protocol.Tests.TestSupport;

namespace Milter.Protocol.Tests.Codec;

public class MilterFrameReaderTests
{
    private const int Max = 1024;

    private static readonly byte[] ThreePackets = Wire.Concat(Wire.Helo("mx.example"), Wire.Eoh(), Wire.Body("body bytes\r\n"));

    [Test]
    public void TryReadPacket_WholePacket_ReturnsCommandAndPayloadAndConsumesIt()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Helo("mx"));

        var read = MilterFrameReader.TryReadPacket(ref buffer, Max, out var packet);

        Assert.That(read, Is.True);
        Assert.That(packet.Command, Is.EqualTo((byte)'H'));
        Assert.That(packet.Payload.ToArray(), Is.EqualTo("mx\0"u8.ToArray()));
        Assert.That(buffer.IsEmpty, Is.True);
    }

    [Test]
    public void TryReadPacket_EveryProperPrefix_ReturnsFalseAndConsumesNothing()
    {
        var bytes = Wire.Helo("mx.example");
        for (var length = 0; length < bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);

            var read = MilterFrameReader.TryReadPacket(ref buffer, Max, out _);

            Assert.That(read, Is.False, $"prefix {length}");
            Assert.That(buffer.Length, Is.EqualTo(length), $"prefix {length}");
        }
    }

    [Test]
    public void TryReadPacket_EverySplitPoint_YieldsTheSamePackets()
    {
        var expected = ReadAll(new ReadOnlySequence<byte>(ThreePackets));
        for (var at = 0; at <= ThreePackets.Length; at++)
        {
            Assert.That(ReadAll(Segments.Split(ThreePackets, at)), Is.EqualTo(expected), $"split at {at}");
        }
    }

    [Test]
    public void TryReadPacket_OneBytePerSegment_YieldsTheSamePackets()
    {
        var expected = ReadAll(new ReadOnlySequence<byte>(ThreePackets));
        var buffer = Segments.Create([.. ThreePackets.Select(b => new[] { b })]);

        Assert.That(ReadAll(buffer), Is.EqualTo(expected));
    }

    [Test]
    public void TryReadPacket_ManyPacketsInOneBuffer_ReadsThemAllInOrder()
    {
        var bytes = Wire.Concat([.. Enumerable.Range(0, 200).Select(i => Wire.Header("X-N", i.ToString()))]);

        var packets = ReadAll(new ReadOnlySequence<byte>(bytes));

        Assert.That(packets, Has.Count.EqualTo(200));
        Assert.That(packets[199], Is.EqualTo("L:X-N\0199\0"));
    }

    [Test]
    public void TryReadPacket_LengthAboveMaximum_ThrowsAsSoonAsThePrefixArrives()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.U32(int.MaxValue));
        var before = GC.GetAllocatedBytesForCurrentThread();

        var exception = Assert.Throws<MilterProtocolException>(() => MilterFrameReader.TryReadPacket(ref buffer, Max, out _));

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64 * 1024));
        Assert.That(exception!.Message, Does.Contain("2147483647").And.Contain("1024"));
    }

    [Test]
    public void TryReadPacket_LengthAtMaximum_IsAccepted()
    {
        var bytes = Wire.Packet('B', new byte[Max - 1]);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.That(MilterFrameReader.TryReadPacket(ref buffer, Max, out var packet), Is.True);
        Assert.That(packet.Payload.Length, Is.EqualTo(Max - 1));
    }

    [Test]
    public void TryReadPacket_LengthOneAboveMaximum_Throws()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Packet('B', new byte[Max]));

        Assert.Throws<MilterProtocolException>(() => MilterFrameReader.TryReadPacket(ref buffer, Max, out _));
    }

    [Test]
    public void TryReadPacket_LengthZero_Throws()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 0, (byte)'Q' });

        var exception = Assert.Throws<MilterProtocolException>(() => MilterFrameReader.TryReadPacket(ref buffer, Max, out _));

        Assert.That(exception!.Message, Does.Contain("length 0"));
    }

    [Test]
    public void TryReadPacket_NonPositiveMaximum_ThrowsArgumentOutOfRange()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Quit());

        Assert.Throws<ArgumentOutOfRangeException>(() => MilterFrameReader.TryReadPacket(ref buffer, 0, out _));
    }

    [Test]
    public void TryReadPacket_Payload_IsASliceOfTheInput()
    {
        var bytes = Wire.Body("abc");
        var buffer = new ReadOnlySequence<byte>(bytes);

        MilterFrameReader.TryReadPacket(ref buffer, Max, out var packet);
        bytes[5] = (byte)'X';

        Assert.That(packet.Payload.ToArray(), Is.EqualTo("Xbc"u8.ToArray()));
    }

    private static List<string> ReadAll(ReadOnlySequence<byte> buffer)
    {
        var packets = new List<string>();
        while (MilterFrameReader.TryReadPacket(ref buffer, Max, out var packet))
        {
            packets.Add($"{packet.CommandChar}:{System.Text.Encoding.Latin1.GetString(packet.Payload.ToArray())}");
        }

        Assert.That(buffer.IsEmpty, Is.True, "everything consumed");
        return packets;
    }
}
