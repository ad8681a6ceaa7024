using System.Buffers;
using System.Text;
using Milter.Protocol.Handling;

namespace Milter.Protocol.Tests.TestSupport;

/// <summary>Records every callback as a short string and answers with configured decisions.</summary>
internal sealed class RecordingHandler : IMilterHandler
{
    public RecordingHandler(MilterStages stages = MilterStages.All, MilterStages replyStages = MilterStages.All, MilterActions actions = MilterActions.AddHeaders | MilterActions.ChangeHeaders | MilterActions.Quarantine)
    {
        Requirements = new MilterHandlerRequirements(stages, replyStages, actions, new Dictionary<MacroStage, IReadOnlyList<string>>());
    }

    public MilterHandlerRequirements Requirements { get; set; }

    public List<string> Calls { get; } = [];

    /// <summary>Decision per stage; missing stages continue.</summary>
    public Dictionary<MilterStages, MilterDecision> Decisions { get; } = [];

    /// <summary>Stages whose callback throws.</summary>
    public MilterStages ThrowAt { get; set; }

    public Func<MilterContext, IMilterProgress, CancellationToken, ValueTask<MilterMessageResult>>? EndOfMessage { get; set; }

    public bool ThrowAtEndOfMessage { get; set; }

    /// <summary>Snapshot of the macros at the last end of message.</summary>
    public Dictionary<string, string> MacrosAtEndOfMessage { get; } = [];

    public int MessageCountAtEndOfMessage { get; private set; }

    public ValueTask<MilterDecision> OnConnectAsync(MilterContext context, CancellationToken cancellationToken) =>
        Record(MilterStages.Connect, $"connect:{context.Connection!.HostName}/{context.Connection.Address}:{context.Connection.Port}");

    public ValueTask<MilterDecision> OnHeloAsync(MilterContext context, CancellationToken cancellationToken) =>
        Record(MilterStages.Helo, $"helo:{context.Helo}");

    public ValueTask<MilterDecision> OnMailFromAsync(MilterContext context, CancellationToken cancellationToken) =>
        Record(MilterStages.MailFrom, $"mail:{context.Sender!.Address}");

    public ValueTask<MilterDecision> OnRecipientAsync(MilterContext context, CancellationToken cancellationToken) =>
        Record(MilterStages.Recipient, $"rcpt:{context.Recipients[^1].Address}");

    public ValueTask<MilterDecision> OnDataAsync(MilterContext context, CancellationToken cancellationToken) =>
        Record(MilterStages.Data, "data");

    public ValueTask<MilterDecision> OnHeaderAsync(MilterContext context, MilterHeader header, CancellationToken cancellationToken) =>
        Record(MilterStages.Header, $"header:{header.Name}={header.Value}");

    public ValueTask<MilterDecision> OnEndOfHeadersAsync(MilterContext context, CancellationToken cancellationToken) =>
        Record(MilterStages.EndOfHeaders, "eoh");

    public ValueTask<MilterDecision> OnBodyChunkAsync(MilterContext context, ReadOnlySequence<byte> chunk, CancellationToken cancellationToken) =>
        Record(MilterStages.Body, $"body:{Encoding.ASCII.GetString(chunk)}");

    public ValueTask<MilterMessageResult> OnEndOfMessageAsync(MilterContext context, IMilterProgress progress, CancellationToken cancellationToken)
    {
        Calls.Add($"eom:helo={context.Helo},rcpts={context.Recipients.Count},headers={context.Headers.Count}");
        MacrosAtEndOfMessage.Clear();
        foreach (var (name, value) in context.Macros)
        {
            MacrosAtEndOfMessage[name] = value;
        }

        MessageCountAtEndOfMessage = context.MessageCount;
        if (ThrowAtEndOfMessage)
        {
            throw new InvalidOperationException("end of message failed");
        }

        return EndOfMessage?.Invoke(context, progress, cancellationToken) ?? ValueTask.FromResult(MilterMessageResult.ContinueUnchanged);
    }

    public void OnMessageReset(MilterContext context) => Calls.Add("message-reset");

    public void OnConnectionReset(MilterContext context) => Calls.Add("connection-reset");

    private ValueTask<MilterDecision> Record(MilterStages stage, string call)
    {
        Calls.Add(call);
        if ((ThrowAt & stage) != 0)
        {
            throw new InvalidOperationException($"{stage} failed");
        }

        return ValueTask.FromResult(Decisions.GetValueOrDefault(stage, MilterDecision.Continue));
    }
}
