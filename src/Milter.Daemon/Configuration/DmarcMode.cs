namespace Milter.Daemon.Configuration;

/// <summary>What DMARC does for a message (key <c>DmarcMode</c>).</summary>
public enum DmarcMode
{
    /// <summary>No DMARC evaluation.</summary>
    Off,

    /// <summary>Evaluate and write the dmarc= results; never refuse or quarantine mail for DMARC.</summary>
    Header,

    /// <summary>As <see cref="Header"/>, and apply the domain owner's policy: reject or quarantine failing mail.</summary>
    Enforce,
}
