namespace Milter.TestKit.Dns;

/// <summary>
/// One zone for <see cref="KnotDnsServer"/>: its origin and its records in zone-file syntax (RFC 1035 section 5),
/// one record a line, names relative to the origin unless they end with a dot. The SOA record is written for you.
/// </summary>
/// <example><code>
/// new DnsTestZone("example.test", """
///     @        TXT "v=spf1 ip4:192.0.2.0/24 -all"
///     mail 300 A   192.0.2.25
///     """)
/// </code></example>
/// <param name="Origin">
/// The zone apex, e.g. <c>example.test</c> (a trailing dot is optional). <c>.</c> is the root zone: it holds names of
/// any domain, so every name is answered (NXDOMAIN when absent) and knotd follows CNAMEs between domains, as a
/// recursive resolver would; delegations (NS records below the apex) do not belong in it.
/// </param>
/// <param name="Records">The records, without $ORIGIN, $TTL or SOA.</param>
public sealed record DnsTestZone(string Origin, string Records)
{
    /// <summary>The TTL of records written without one, and of the SOA record. Defaults to 1 hour.</summary>
    public TimeSpan DefaultTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The SOA MINIMUM field, the negative-caching TTL of RFC 2308. The TTL of a negative answer is the lower of this
    /// and <see cref="DefaultTtl"/>. Defaults to 5 minutes.
    /// </summary>
    public TimeSpan NegativeTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The origin without the trailing dot; empty for the root zone.</summary>
    public string Name => Origin.TrimEnd('.');

    /// <summary>The origin as an absolute name, with the trailing dot: <c>example.test.</c>, or <c>.</c> for the root zone.</summary>
    public string AbsoluteName => Name + ".";

    /// <summary>The zone file knotd loads.</summary>
    public string ToZoneFile() =>
        $"""
        $ORIGIN {AbsoluteName}
        $TTL {(long)DefaultTtl.TotalSeconds}
        @ SOA ns hostmaster 1 3600 900 604800 {(long)NegativeTtl.TotalSeconds}
        {Records}

        """;
}
