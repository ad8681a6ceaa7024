using System.Net;

namespace Milter.TestKit.Postfix;

/// <summary>How a <see cref="PostfixInstance"/> is configured.</summary>
public sealed class PostfixInstanceOptions
{
    /// <summary>
    /// The <c>smtpd_milters</c> value, e.g. <c>inet:127.0.0.1:10025</c> or <c>unix:/run/authmilter/milter.sock</c>
    /// (smtpd runs as user postfix, so a unix socket must be reachable by that user).
    /// </summary>
    public required string Milters { get; init; }

    /// <summary>Where every message is relayed (<c>relayhost</c>), usually an <see cref="SmtpSink"/>.</summary>
    public required IPEndPoint Relay { get; init; }

    /// <summary>
    /// <c>milter_default_action</c>: what smtpd does when the milter is unreachable or breaks the protocol
    /// (<c>tempfail</c>, <c>accept</c>, <c>reject</c>, <c>quarantine</c>). Defaults to <c>tempfail</c>, Postfix's default.
    /// </summary>
    public string MilterDefaultAction { get; init; } = "tempfail";

    /// <summary>Further main.cf parameters; each replaces the fixture's value of the same name or is appended.</summary>
    public IReadOnlyDictionary<string, string> MainSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Where the instance's directory is created. Defaults to <c>/dev/shm</c> where it exists, else the temp directory:
    /// in memory, Postfix's fsync of every queue file costs nothing, so timings measure the milter path, not the disk.
    /// </summary>
    public string BaseDirectory { get; init; } = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    /// <summary>Longest wait for one <c>postfix</c> or <c>postqueue</c> command. Defaults to 60 s.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
