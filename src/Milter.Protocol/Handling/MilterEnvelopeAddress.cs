namespace Milter.Protocol.Handling;

/// <summary>An envelope address from MAIL FROM or RCPT TO with its ESMTP parameters.</summary>
/// <param name="Address">The address without angle brackets; empty for the null sender <c>&lt;&gt;</c>.</param>
/// <param name="Parameters">ESMTP parameters such as <c>SIZE=1024</c>, as sent.</param>
public sealed record MilterEnvelopeAddress(string Address, IReadOnlyList<string> Parameters)
{
    /// <summary>True for the null reverse-path <c>&lt;&gt;</c> (bounces).</summary>
    public bool IsNull => Address.Length == 0;
}
