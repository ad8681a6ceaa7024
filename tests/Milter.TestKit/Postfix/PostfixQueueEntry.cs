using System.Text.Json.Serialization;

namespace Milter.TestKit.Postfix;

/// <summary>One queued message as <c>postqueue -j</c> lists it.</summary>
public sealed record PostfixQueueEntry
{
    /// <summary>The queue the message is in: <c>maildrop</c>, <c>incoming</c>, <c>active</c>, <c>deferred</c> or <c>hold</c> (quarantined).</summary>
    [JsonPropertyName("queue_name")]
    public required string QueueName { get; init; }

    /// <summary>The queue id, as in the <c>i</c> macro and the maillog.</summary>
    [JsonPropertyName("queue_id")]
    public required string QueueId { get; init; }

    /// <summary>The envelope sender; empty for the null sender.</summary>
    [JsonPropertyName("sender")]
    public required string Sender { get; init; }

    /// <summary>Size of the queue file's message content in bytes.</summary>
    [JsonPropertyName("message_size")]
    public long MessageSize { get; init; }

    /// <summary>The recipients still to deliver.</summary>
    [JsonPropertyName("recipients")]
    public IReadOnlyList<PostfixQueueRecipient> Recipients { get; init; } = [];
}
