using Milter.Protocol.Handling;

namespace Milter.IntegrationTests.Support;

/// <summary>What a <see cref="RecordingHandler"/> saw of one message, captured at end of message.</summary>
/// <param name="HandlerId">Which handler (so which milter connection) saw it, numbered from 1 per factory.</param>
/// <param name="MessageNumber">The message's number on its milter connection (<see cref="MilterContext.MessageCount"/>).</param>
/// <param name="Client">The client as SMFIC_CONNECT described it, captured in the CONNECT callback.</param>
/// <param name="Helo">The HELO argument, captured in the HELO callback.</param>
/// <param name="Sender">The envelope sender.</param>
/// <param name="Recipients">The envelope recipients.</param>
/// <param name="Headers">The header fields as the MTA sent them.</param>
/// <param name="Body">The body bytes of all chunks.</param>
/// <param name="QueueId">The <c>i</c> macro at end of message.</param>
public sealed record RecordedMessage(
    int HandlerId,
    int MessageNumber,
    MilterConnectionInfo? Client,
    string? Helo,
    MilterEnvelopeAddress? Sender,
    IReadOnlyList<MilterEnvelopeAddress> Recipients,
    IReadOnlyList<MilterHeader> Headers,
    byte[] Body,
    string? QueueId)
{
    /// <summary>The value of the first header called <paramref name="name"/> without surrounding white space, or null.</summary>
    public string? HeaderValue(string name) =>
        Headers.FirstOrDefault(header => header.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value.Trim();
}
