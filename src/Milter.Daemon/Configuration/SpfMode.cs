namespace Milter.Daemon.Configuration;

/// <summary>What SPF does for a message (key <c>SpfMode</c>).</summary>
public enum SpfMode
{
    /// <summary>No SPF check.</summary>
    Off,

    /// <summary>Check and write Received-SPF and the spf= results; never refuse mail for SPF.</summary>
    Header,

    /// <summary>As <see cref="Header"/>, and refuse MAIL FROM for the results in <c>SpfRejectOn</c>.</summary>
    Enforce,
}
