using System.Text.Json.Serialization;

namespace Milter.TestKit.Postfix;

/// <summary>One recipient of a queued message in <c>postqueue -j</c> output.</summary>
public sealed record PostfixQueueRecipient
{
    /// <summary>The recipient address.</summary>
    [JsonPropertyName("address")]
    public required string Address { get; init; }

    /// <summary>Why delivery was deferred; null when it was not tried yet.</summary>
    [JsonPropertyName("delay_reason")]
    public string? DelayReason { get; init; }
}
