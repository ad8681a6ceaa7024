using System.Buffers;
using BenchmarkDotNet.Attributes;
using Milter.Protocol;
using Milter.Protocol.Codec;
using Milter.Protocol.Session;

namespace Milter.Benchmarks.Codec;

/// <summary>
/// Frame reading and command parsing of a whole one-message session transcript (<see cref="MilterTranscript"/>), as
/// the connection loop does it: every packet framed, then parsed into its typed command. Times are per packet.
/// </summary>
[MemoryDiagnoser]
public class CommandReadingBenchmarks
{
    private static readonly int MaxPacketLength = new MilterSessionOptions().MaxPacketLength;

    /// <summary>Segments of the split input: 64 bytes puts most strings and many length prefixes across a boundary.</summary>
    private const int SmallSegmentSize = 64;

    /// <summary>Packets of a one-message session: OPTNEG, CONNECT, HELO, MAIL, RCPT, DATA, EOH, EOM (7 with macros), 20 headers, 3 body chunks, QUIT.</summary>
    private const int Packets = 39;

    private ReadOnlySequence<byte> _oneSegment;
    private ReadOnlySequence<byte> _smallSegments;

    [GlobalSetup]
    public void Setup()
    {
        var transcript = MilterTranscript.Build(1);
        _oneSegment = new ReadOnlySequence<byte>(transcript);
        _smallSegments = MilterTranscript.Split(transcript, SmallSegmentSize);
        if (ReadAll(_oneSegment) != ReadAll(_smallSegments) || _smallSegments.Length != transcript.Length)
        {
            throw new InvalidOperationException("The split transcript does not read like the whole one.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Packets)]
    public long OneSegment() => ReadAll(_oneSegment);

    [Benchmark(OperationsPerInvoke = Packets)]
    public long SmallSegments() => ReadAll(_smallSegments);

    /// <summary>Reads every packet; returns a sum over the parsed fields so that none of the work can be dropped.</summary>
    private static long ReadAll(ReadOnlySequence<byte> buffer)
    {
        var sum = 0L;
        var packets = 0;
        while (MilterFrameReader.TryReadPacket(ref buffer, MaxPacketLength, out var packet))
        {
            sum += Parse(packet);
            packets++;
        }

        return packets == Packets && buffer.IsEmpty
            ? sum
            : throw new InvalidOperationException($"Read {packets} packets, expected {Packets}.");
    }

    /// <summary>Parses a packet as <c>MilterSession</c> does; DATA, EOH and body chunks have no fields to parse.</summary>
    private static long Parse(in MilterPacket packet) => MilterCommandParser.GetCommand(packet) switch
    {
        MilterCommandCode.OptionNegotiation => MilterCommandParser.ParseOptionNegotiation(packet).Version,
        MilterCommandCode.Macro => MilterCommandParser.ParseMacro(packet).Macros.Count,
        MilterCommandCode.Connect => MilterCommandParser.ParseConnect(packet).Port,
        MilterCommandCode.Helo => MilterCommandParser.ParseHelo(packet).Length,
        MilterCommandCode.Mail or MilterCommandCode.Recipient => MilterCommandParser.ParseEnvelopeAddress(packet).Parameters.Count,
        MilterCommandCode.Header => MilterCommandParser.ParseHeader(packet).Value.Length,
        MilterCommandCode.EndOfBody => MilterCommandParser.ParseEndOfBody(packet).FinalChunk.Length,
        _ => packet.Payload.Length,
    };
}
