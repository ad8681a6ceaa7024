namespace Milter.Authentication.Dmarc;

/// <summary>The outcome of verifying one DKIM signature (RFC 8601 section 2.7.1), as the evaluator needs it.</summary>
public enum DmarcDkimOutcome
{
    /// <summary>The signature verified: its d= domain is a DKIM-authenticated identifier.</summary>
    Pass,
    /// <summary>The signature did not verify.</summary>
    Fail,
    /// <summary>The signature was not processed, or verified but is not to be trusted (e.g. a signature shorter than the body).</summary>
    Neutral,
    /// <summary>The signature verified but the receiver's local policy does not accept it (e.g. a weak key).</summary>
    Policy,
    /// <summary>The key could not be retrieved because of a temporary error; a retry may make it pass.</summary>
    TempError,
    /// <summary>The signature or key is unusable (syntax error, missing key, rsa-sha1…).</summary>
    PermError,
}
