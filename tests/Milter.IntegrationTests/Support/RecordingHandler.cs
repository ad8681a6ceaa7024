using System.Buffers;
using Milter.Protocol;
using Milter.Protocol.Handling;

namespace Milter.IntegrationTests.Support;

/// <summary>
/// A test handler that records connect, HELO and every message into a <see cref="HandlerRecording"/>, and answers
/// end of message with a verdict chosen by a test-supplied function of the recorded message.
/// </summary>
public sealed class RecordingHandler : IMilterHandler
{
    private static readonly ValueTask<MilterDecision> ContinueDecision = ValueTask.FromResult(MilterDecision.Continue);

    private readonly int _id;
    private readonly HandlerRecording _recording;
    private readonly Func<RecordedMessage, MilterMessageResult> _endOfMessage;
    private readonly MemoryStream _body = new();
    private MilterConnectionInfo? _client;
    private string? _helo;

    public RecordingHandler(int id, HandlerRecording recording, MilterHandlerRequirements requirements, Func<RecordedMessage, MilterMessageResult> endOfMessage)
    {
        _id = id;
        _recording = recording;
        Requirements = requirements;
        _endOfMessage = endOfMessage;
    }

    public MilterHandlerRequirements Requirements { get; }

    public ValueTask<MilterDecision> OnConnectAsync(MilterContext context, CancellationToken cancellationToken)
    {
        _client = context.Connection;
        return ContinueDecision;
    }

    public ValueTask<MilterDecision> OnHeloAsync(MilterContext context, CancellationToken cancellationToken)
    {
        _helo = context.Helo;
        return ContinueDecision;
    }

    public ValueTask<MilterDecision> OnMailFromAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnRecipientAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnDataAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnHeaderAsync(MilterContext context, MilterHeader header, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnEndOfHeadersAsync(MilterContext context, CancellationToken cancellationToken) => ContinueDecision;

    public ValueTask<MilterDecision> OnBodyChunkAsync(MilterContext context, ReadOnlySequence<byte> chunk, CancellationToken cancellationToken)
    {
        foreach (var segment in chunk)
        {
            _body.Write(segment.Span);
        }

        return ContinueDecision;
    }

    public ValueTask<MilterMessageResult> OnEndOfMessageAsync(MilterContext context, IMilterProgress progress, CancellationToken cancellationToken)
    {
        var message = new RecordedMessage(
            _id, context.MessageCount, _client, _helo, context.Sender, [.. context.Recipients], [.. context.Headers], _body.ToArray(), context.QueueId);
        _recording.Add(message);
        return ValueTask.FromResult(_endOfMessage(message));
    }

    public void OnMessageReset(MilterContext context) => _body.SetLength(0);

    public void OnConnectionReset(MilterContext context)
    {
        _body.SetLength(0);
        _client = null;
        _helo = null;
    }

    /// <summary>
    /// Every stage up to end of message, answered only at end of message (so all others are "no reply"), header
    /// and quarantine actions, and the queue id at end of message.
    /// </summary>
    public static MilterHandlerRequirements DefaultRequirements { get; } = new(
        MilterStages.All & ~MilterStages.Unknown,
        MilterStages.None,
        MilterActions.AddHeaders | MilterActions.ChangeHeaders | MilterActions.Quarantine,
        new Dictionary<MacroStage, IReadOnlyList<string>> { [MacroStage.EndOfMessage] = ["i"] });
}
