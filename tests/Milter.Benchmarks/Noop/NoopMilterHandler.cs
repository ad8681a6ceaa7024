using System.Buffers;
using Milter.Protocol;
using Milter.Protocol.Handling;

namespace Milter.Benchmarks.Noop;

/// <summary>
/// A handler that asks for every stage from connect to end of message but answers only end of message,
/// so the session can negotiate "no reply" everywhere else: the cost measured is the bare engine.
/// </summary>
public sealed class NoopMilterHandler : IMilterHandler
{
    private static readonly ValueTask<MilterDecision> ContinueDecision = ValueTask.FromResult(MilterDecision.Continue);

    private static readonly MilterHandlerRequirements NoopRequirements = new(
        MilterStages.Connect | MilterStages.Helo | MilterStages.MailFrom | MilterStages.Recipient | MilterStages.Data
            | MilterStages.Header | MilterStages.EndOfHeaders | MilterStages.Body,
        MilterStages.None,
        MilterActions.None,
        new Dictionary<MacroStage, IReadOnlyList<string>>());

    public MilterHandlerRequirements Requirements => NoopRequirements;

    public ValueTask<MilterDecision> OnConnectAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnHeloAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnMailFromAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnRecipientAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnDataAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnHeaderAsync(MilterContext context, MilterHeader header, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnEndOfHeadersAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnBodyChunkAsync(MilterContext context, ReadOnlySequence<byte> chunk, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterMessageResult> OnEndOfMessageAsync(MilterContext context, IMilterProgress progress, CancellationToken cancellationToken) =>
        ValueTask.FromResult(MilterMessageResult.ContinueUnchanged);

    public void OnMessageReset(MilterContext context)
    {
    }

    public void OnConnectionReset(MilterContext context)
    {
    }
}
