namespace Milter.TestKit.Client;

/// <summary>A modification request the milter sent in reply to end of message, decoded exactly as on the wire.</summary>
public abstract record MilterClientModification
{
    private MilterClientModification()
    {
    }

    /// <summary>SMFIR_ADDHEADER: append a header.</summary>
    public sealed record AddHeader(string Name, string Value) : MilterClientModification;

    /// <summary>SMFIR_INSHEADER: insert a header before the <paramref name="Index"/>-th (0 = very top).</summary>
    public sealed record InsertHeader(int Index, string Name, string Value) : MilterClientModification;

    /// <summary>
    /// SMFIR_CHGHEADER: replace the <paramref name="Index"/>-th (1-based) header called <paramref name="Name"/>;
    /// an empty <paramref name="Value"/> deletes it (see <see cref="IsDelete"/>).
    /// </summary>
    public sealed record ChangeHeader(int Index, string Name, string Value) : MilterClientModification
    {
        /// <summary>True when the change deletes the header.</summary>
        public bool IsDelete => Value.Length == 0;
    }

    /// <summary>SMFIR_CHGFROM: new envelope sender with optional ESMTP arguments.</summary>
    public sealed record ChangeFrom(string Sender, string? Arguments) : MilterClientModification;

    /// <summary>SMFIR_ADDRCPT or SMFIR_ADDRCPT_PAR (with <paramref name="Arguments"/>).</summary>
    public sealed record AddRecipient(string Recipient, string? Arguments) : MilterClientModification;

    /// <summary>SMFIR_DELRCPT.</summary>
    public sealed record DeleteRecipient(string Recipient) : MilterClientModification;

    /// <summary>SMFIR_REPLBODY: one chunk of the replacement body.</summary>
    public sealed record ReplaceBody(ReadOnlyMemory<byte> Chunk) : MilterClientModification;

    /// <summary>SMFIR_QUARANTINE.</summary>
    public sealed record Quarantine(string Reason) : MilterClientModification;
}
