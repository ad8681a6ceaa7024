namespace Milter.Protocol.Handling;

/// <summary>A header modification sent at end of message.</summary>
public abstract record HeaderChange
{
    private HeaderChange()
    {
    }

    /// <summary>Appends a header at the end of the header block (SMFIR_ADDHEADER).</summary>
    /// <param name="Name">Field name.</param>
    /// <param name="Value">
    /// Field value without the space after the colon (the session sends one where SMFIP_HDR_LEADSPC makes the MTA
    /// copy values verbatim); folded lines use CRLF followed by white space.
    /// </param>
    public sealed record Add(string Name, string Value) : HeaderChange;

    /// <summary>Inserts a header before the <paramref name="Index"/>-th header (SMFIR_INSHEADER); 0 is the very top.</summary>
    public sealed record Insert(int Index, string Name, string Value) : HeaderChange;

    /// <summary>
    /// Replaces the <paramref name="Occurrence"/>-th (1-based) header named <paramref name="Name"/> (SMFIR_CHGHEADER).
    /// </summary>
    public sealed record Change(string Name, int Occurrence, string Value) : HeaderChange;

    /// <summary>Deletes the <paramref name="Occurrence"/>-th (1-based) header named <paramref name="Name"/> (SMFIR_CHGHEADER with an empty value).</summary>
    public sealed record Delete(string Name, int Occurrence) : HeaderChange;
}
