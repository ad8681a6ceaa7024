namespace Milter.IntegrationTests.Support;

/// <summary>Every message the handlers of one <see cref="RecordingHandlerFactory"/> saw; safe to read while connections run.</summary>
public sealed class HandlerRecording
{
    private readonly List<RecordedMessage> _messages = [];

    /// <summary>Every message that reached end of message, in order.</summary>
    public IReadOnlyList<RecordedMessage> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>The recorded message with Postfix queue id <paramref name="queueId"/>.</summary>
    /// <exception cref="InvalidOperationException">No message had that queue id.</exception>
    public RecordedMessage MessageWithQueueId(string? queueId) =>
        Messages.SingleOrDefault(message => message.QueueId == queueId)
            ?? throw new InvalidOperationException($"The handler saw no message with queue id {queueId}; it saw [{string.Join(", ", Messages.Select(m => m.QueueId))}].");

    internal void Add(RecordedMessage message)
    {
        lock (_messages)
        {
            _messages.Add(message);
        }
    }
}
