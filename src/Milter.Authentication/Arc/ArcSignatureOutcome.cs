namespace Milter.Authentication.Arc;

/// <summary>What became of one ARC-Seal or ARC-Message-Signature of a chain.</summary>
public enum ArcSignatureOutcome
{
    /// <summary>
    /// Not verified: the chain failed before it was reached, RFC 8617 does not need it (older ARC-Message-Signatures
    /// of a failed chain, or below the first failure while looking for the oldest pass), or the signature budget was spent.
    /// </summary>
    NotVerified,
    /// <summary>The signature verified.</summary>
    Pass,
    /// <summary>The signature did not verify, was malformed, or its key was missing, unusable or refused by policy.</summary>
    Fail,
    /// <summary>The key lookup failed transiently (timeout, SERVFAIL, time limit reached).</summary>
    TempError,
}
