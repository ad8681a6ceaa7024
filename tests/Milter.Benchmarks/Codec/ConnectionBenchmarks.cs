using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Benchmarks.Noop;
using Milter.Protocol.Codec;
using Milter.Protocol.Session;

namespace Milter.Benchmarks.Codec;

/// <summary>
/// The whole engine without sockets: a <see cref="MilterConnection"/> with the no-op handler serves a session of
/// <see cref="Messages"/> messages (<see cref="MilterTranscript"/>) read from a memory stream through a pipe set up
/// as <c>MilterServer</c> sets up a socket's. Times are per message; the difference to the <c>load</c> mode's daemon
/// CPU per message is the cost of sockets and thread switches.
/// </summary>
[MemoryDiagnoser]
public class ConnectionBenchmarks
{
    private const int Messages = 100;

    private readonly NoopMilterHandler _handler = new();
    private readonly MilterSessionOptions _options = new();
    private readonly MemoryStream _replies = new();
    private byte[] _transcript = [];

    [GlobalSetup]
    public void Setup()
    {
        _transcript = MilterTranscript.Build(Messages);
        Session().GetAwaiter().GetResult();
        var replies = new ReadOnlySequence<byte>(_replies.ToArray());
        var count = 0;
        while (MilterFrameReader.TryReadPacket(ref replies, ushort.MaxValue, out _))
        {
            count++;
        }

        if (count != 1 + Messages)
        {
            throw new InvalidOperationException($"The session answered with {count} replies; expected the negotiation and one per message.");
        }
    }

    /// <summary>Serves the session; returns the number of reply bytes.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task<long> Session()
    {
        _replies.SetLength(0);
        var transport = new StreamDuplexPipe(
            PipeReader.Create(new MemoryStream(_transcript, writable: false), new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024)),
            PipeWriter.Create(_replies, new StreamPipeWriterOptions(leaveOpen: true)));
        await new MilterConnection(transport, _handler, _options, NullLogger.Instance).RunAsync(CancellationToken.None).ConfigureAwait(false);
        return _replies.Length;
    }

    private sealed record StreamDuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
