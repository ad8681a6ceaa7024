namespace Milter.Dns;

/// <summary>The outcome class of one DNS query.</summary>
public enum DnsStatus
{
    /// <summary>NOERROR with at least one record of the requested type.</summary>
    Success,
    /// <summary>NOERROR without a record of the requested type (the name exists).</summary>
    NoData,
    /// <summary>NXDOMAIN: the name does not exist.</summary>
    NameError,
    /// <summary>SERVFAIL, REFUSED, a timeout or a network failure: try again later (temperror).</summary>
    TemporaryError,
    /// <summary>The name or the answer is malformed (e.g. a label over 63 octets): a permanent failure.</summary>
    PermanentError,
}
