namespace Milter.Dns;

/// <summary>The answer to one query: a status, the records (empty unless <see cref="DnsStatus.Success"/>), and an error text.</summary>
/// <typeparam name="T">The record data type.</typeparam>
/// <param name="Status">The outcome class.</param>
/// <param name="Records">The records of the requested type.</param>
/// <param name="Error">For errors, a short description for logs and trace output.</param>
public sealed record DnsResponse<T>(DnsStatus Status, IReadOnlyList<T> Records, string? Error = null)
{
    /// <summary>
    /// How long the answer may be reused: the lowest TTL of the answer records, or for NoData and NameError the
    /// negative-caching TTL of RFC 2308 section 5 (the lower of the SOA record's TTL and its MINIMUM field).
    /// Null when the answer must not be cached: errors, and negative answers that came without an SOA record.
    /// Defaults to null.
    /// </summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>True for NoData and NameError, which SPF counts as "void" lookups.</summary>
    public bool IsVoid => Status is DnsStatus.NoData or DnsStatus.NameError;

    /// <summary>A successful answer with <paramref name="records"/>, or NoData when it is empty.</summary>
    public static DnsResponse<T> FromRecords(IReadOnlyList<T> records) =>
        new(records.Count == 0 ? DnsStatus.NoData : DnsStatus.Success, records);

    /// <summary>An answer without records.</summary>
    public static DnsResponse<T> Failure(DnsStatus status, string? error = null) => new(status, [], error);
}
