namespace Milter.Protocol.Handling;

/// <summary>
/// The end-of-message answer: header changes, an optional quarantine reason, and the final decision.
/// </summary>
/// <remarks>
/// Deletions of several headers of the same name are sent from the highest occurrence to the lowest,
/// so that the indices mean the same on Postfix (which removes a deleted header from its list) and
/// Sendmail (which only marks it).
/// </remarks>
public sealed class MilterMessageResult
{
    private readonly List<HeaderChange> _headerChanges = [];

    /// <summary>A result that changes nothing and continues (the MTA delivers the message).</summary>
    public static MilterMessageResult ContinueUnchanged => new();

    /// <summary>Header changes in the order they will be sent.</summary>
    public IReadOnlyList<HeaderChange> HeaderChanges => _headerChanges;

    /// <summary>When set, the message is quarantined (Postfix: hold queue) with this reason (SMFIR_QUARANTINE).</summary>
    public string? QuarantineReason { get; private set; }

    /// <summary>The final verdict; <see cref="MilterDecision.Continue"/> delivers the message.</summary>
    public MilterDecision Decision { get; set; } = MilterDecision.Continue;

    /// <summary>Queues a header change.</summary>
    public MilterMessageResult AddHeaderChange(HeaderChange change)
    {
        _headerChanges.Add(change);
        return this;
    }

    /// <summary>Quarantines the message.</summary>
    /// <param name="reason">A one-line reason shown by the MTA.</param>
    /// <exception cref="ArgumentException">The reason is empty or contains a line break.</exception>
    public MilterMessageResult Quarantine(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A quarantine reason must be one non-empty line.", nameof(reason));
        }

        QuarantineReason = reason;
        return this;
    }
}
