namespace Milter.Authentication.Arc;

/// <summary>The outcome of validating a message's Authenticated Received Chain (RFC 8617 section 5.2).</summary>
public sealed record ArcResult
{
    /// <summary>The chain validation status.</summary>
    public required ArcChainResult Result { get; init; }

    /// <summary>
    /// Why, in a few words, for the Authentication-Results comment and the logs (e.g. "ARC-Seal i=2 (d=example.org)
    /// did not verify"); for pass, what was verified.
    /// </summary>
    public required string Reason { get; init; }

    /// <summary>The highest instance, <c>i=</c>, among the ARC header fields: N, the length of the chain; 0 for none.</summary>
    public int InstanceCount { get; init; }

    /// <summary>
    /// <c>header.oldest-pass</c> (RFC 8617 sections 5.2 and 11.1): the lowest instance whose ARC-Message-Signature
    /// still verifies, found by verifying them from the newest down until one does not. N when only the newest does,
    /// 1 when all do. Null unless the chain passes. When <see cref="ArcOptions.MaxSignatures"/> stops the search or a
    /// key lookup fails transiently, it is the lowest instance verified so far, so it never claims more than was checked.
    /// </summary>
    public int? OldestPass { get; init; }

    /// <summary>
    /// The ARC sets from i=1 to <see cref="InstanceCount"/>, in instance order, as far as they could be read (a set
    /// missing from a broken chain has only its <see cref="ArcInstance.Instance"/>). Empty for none.
    /// </summary>
    public IReadOnlyList<ArcInstance> Instances { get; init; } = [];
}
