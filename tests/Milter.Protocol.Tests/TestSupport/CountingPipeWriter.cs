using System.IO.Pipelines;

namespace Milter.Protocol.Tests.TestSupport;

/// <summary>A pipe writer that counts flushes, to assert "one flush per answered command".</summary>
internal sealed class CountingPipeWriter(PipeWriter inner) : PipeWriter
{
    public int Flushes { get; private set; }

    public override void Advance(int bytes) => inner.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        Flushes++;
        return inner.FlushAsync(cancellationToken);
    }
}
