using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Protocol.Handling;
using Milter.Protocol.Session;

namespace Milter.Protocol.Tests.TestSupport;

/// <summary>Runs a <see cref="MilterConnection"/> over two in-memory pipes.</summary>
internal sealed class ConnectionHarness
{
    private readonly Pipe _toMilter = new();
    private readonly Pipe _fromMilter = new();

    public ConnectionHarness(IMilterHandler handler, MilterSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        Output = new CountingPipeWriter(_fromMilter.Writer);
        var connection = new MilterConnection(new DuplexPipe(_toMilter.Reader, Output), handler, options ?? new MilterSessionOptions(), NullLogger.Instance);
        Run = connection.RunAsync(cancellationToken);
    }

    public Task Run { get; }

    /// <summary>The engine's output, counting flushes.</summary>
    public CountingPipeWriter Output { get; }

    public Task CompleteInputAsync() => _toMilter.Writer.CompleteAsync().AsTask();

    public async Task SendAsync(byte[] bytes)
    {
        await _toMilter.Writer.WriteAsync(bytes);
    }

    /// <summary>Sends the bytes, closes the MTA side, waits for the engine to finish and returns every reply.</summary>
    public static async Task<List<Reply>> TranscriptAsync(IMilterHandler handler, byte[] bytes, MilterSessionOptions? options = null)
    {
        var (replies, _) = await TranscriptWithFlushesAsync(handler, bytes, options);
        return replies;
    }

    /// <summary>As <see cref="TranscriptAsync"/>, also returning how many times the engine flushed.</summary>
    public static async Task<(List<Reply> Replies, int Flushes)> TranscriptWithFlushesAsync(IMilterHandler handler, byte[] bytes, MilterSessionOptions? options = null)
    {
        var harness = new ConnectionHarness(handler, options);
        await harness.SendAsync(bytes);
        await harness.CompleteInputAsync();
        var replies = await harness.FinishAsync();
        return (replies, harness.Output.Flushes);
    }

    /// <summary>Waits (bounded) for the engine to stop and returns every reply it wrote.</summary>
    public async Task<List<Reply>> FinishAsync()
    {
        await Run.WaitAsync(TimeSpan.FromSeconds(10));
        var output = new MemoryStream();
        await _fromMilter.Reader.CopyToAsync(output);
        return Wire.ParseReplies(output.ToArray());
    }

    /// <summary>Reads exactly one reply (bounded wait).</summary>
    public async Task<Reply> ReadReplyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var result = await _fromMilter.Reader.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            if (buffer.Length >= 4)
            {
                var bytes = buffer.ToArray();
                var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
                if (bytes.Length >= 4 + length)
                {
                    _fromMilter.Reader.AdvanceTo(buffer.GetPosition(4 + length));
                    return Wire.ParseReplies(bytes.AsSpan(0, 4 + length))[0];
                }
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("The milter closed without replying.");
            }

            _fromMilter.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
