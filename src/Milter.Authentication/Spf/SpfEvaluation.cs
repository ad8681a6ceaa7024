using System.Net;

namespace Milter.Authentication.Spf;

/// <summary>The outcome of one check_host() evaluation for one identity, with what is needed to report it.</summary>
public sealed record SpfEvaluation
{
    /// <summary>The SPF result.</summary>
    public required SpfResult Result { get; init; }

    /// <summary>The identity that was checked.</summary>
    public required SpfIdentity Identity { get; init; }

    /// <summary>The SMTP client address; an IPv4-mapped IPv6 address is given as IPv4.</summary>
    public required IPAddress ClientAddress { get; init; }

    /// <summary>The &lt;sender&gt; argument of check_host(), e.g. <c>postmaster@helo.example</c> for a null reverse-path.</summary>
    public required string Sender { get; init; }

    /// <summary>The domain whose policy was checked first (the domain part of <see cref="Sender"/>).</summary>
    public required string Domain { get; init; }

    /// <summary>The HELO/EHLO name given by the client.</summary>
    public required string Helo { get; init; }

    /// <summary>The MAIL FROM reverse-path as given, or null when it was null (empty).</summary>
    public string? EnvelopeFrom { get; init; }

    /// <summary>The text of the mechanism that decided the result, or null when none matched (default result, redirect target included).</summary>
    public string? Mechanism { get; init; }

    /// <summary>For <see cref="SpfResult.Fail"/>: the expanded <c>exp=</c> text, or the default explanation.</summary>
    public string? Explanation { get; init; }

    /// <summary>For <see cref="SpfResult.TempError"/> and <see cref="SpfResult.PermError"/>: what went wrong.</summary>
    public string? Problem { get; init; }

    /// <summary>The number of DNS-querying terms evaluated (include, a, mx, ptr, exists, redirect).</summary>
    public int DnsLookups { get; init; }

    /// <summary>The number of void lookups (NXDOMAIN or NODATA answers) counted against the limit.</summary>
    public int VoidLookups { get; init; }

    /// <summary>The evaluation steps, when <see cref="SpfOptions.RecordTrace"/> is set; otherwise null.</summary>
    public IReadOnlyList<SpfTraceEntry>? Trace { get; init; }
}
