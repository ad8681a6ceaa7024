namespace Milter.Daemon.Filtering;

/// <summary>What the daemon does with a message because of DMARC.</summary>
internal enum DmarcAction
{
    /// <summary>Deliver.</summary>
    None,

    /// <summary>Deliver to Postfix's hold queue (SMFIR_QUARANTINE).</summary>
    Quarantine,

    /// <summary>Refuse with 550 5.7.26, the domain owner's policy (RFC 7372).</summary>
    Reject,

    /// <summary>Refuse with 550 5.7.1: the From field breaks a local rule (<c>RejectMultiValueFrom</c>, <c>RejectMalformedFrom</c>).</summary>
    RefuseFrom,

    /// <summary>Refuse with 451 4.4.3 so the sender retries (a DNS failure, with <c>DmarcTempfailOnError</c>).</summary>
    Tempfail,
}
