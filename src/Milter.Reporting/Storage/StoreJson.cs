using System.Text.Json;
using Milter.Reporting.Aggregate;

namespace Milter.Reporting.Storage;

/// <summary>
/// The lists of a history row and whole incoming reports as JSON. The history lists are arrays of arrays in a fixed
/// member order, so identical lists give identical text and rows group in SQL; they read back to equal values.
/// </summary>
internal static class StoreJson
{
    private static readonly JsonSerializerOptions ReportOptions = new()
    {
        Converters = { new IPAddressJsonConverter() },
        // MessageCount and Passed are computed from the rest; storing them would only invite disagreement.
        IgnoreReadOnlyProperties = true,
    };

    public static string Reasons(IReadOnlyList<PolicyOverrideReason> reasons) =>
        JsonSerializer.Serialize(reasons.Select(r => new[] { r.Type, r.Comment }).ToArray());

    public static string Dkim(IReadOnlyList<DkimAuthResult> results) =>
        JsonSerializer.Serialize(results.Select(r => new[] { r.Domain, r.Selector, r.Result, r.HumanResult }).ToArray());

    public static string Spf(IReadOnlyList<SpfAuthResult> results) =>
        JsonSerializer.Serialize(results.Select(r => new[] { r.Domain, r.Scope, r.Result }).ToArray());

    /// <exception cref="InvalidDataException">The column does not hold what <see cref="Reasons"/> writes.</exception>
    public static IReadOnlyList<PolicyOverrideReason> ParseReasons(string json) =>
        Rows(json, 2).Select(r => new PolicyOverrideReason(Required(r[0]), r[1])).ToList();

    /// <exception cref="InvalidDataException">The column does not hold what <see cref="Dkim"/> writes.</exception>
    public static IReadOnlyList<DkimAuthResult> ParseDkim(string json) =>
        Rows(json, 4).Select(r => new DkimAuthResult(Required(r[0]), r[1], Required(r[2])) { HumanResult = r[3] }).ToList();

    /// <exception cref="InvalidDataException">The column does not hold what <see cref="Spf"/> writes.</exception>
    public static IReadOnlyList<SpfAuthResult> ParseSpf(string json) =>
        Rows(json, 3).Select(r => new SpfAuthResult(Required(r[0]), r[1], Required(r[2]))).ToList();

    public static string Report(AggregateReport report) => JsonSerializer.Serialize(report, ReportOptions);

    /// <exception cref="InvalidDataException">The column does not hold a report.</exception>
    public static AggregateReport ParseReport(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<AggregateReport>(json, ReportOptions)
                ?? throw new InvalidDataException("A stored incoming report is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"A stored incoming report cannot be read: {e.Message}", e);
        }
    }

    private static string?[][] Rows(string json, int width)
    {
        string?[][]? rows;
        try
        {
            rows = JsonSerializer.Deserialize<string?[][]>(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"A stored history list cannot be read: {e.Message}", e);
        }

        if (rows is null || rows.Any(r => r is null || r.Length != width))
        {
            throw new InvalidDataException($"A stored history list is not an array of {width}-element arrays: {json}");
        }

        return rows;
    }

    private static string Required(string? value) =>
        value ?? throw new InvalidDataException("A stored history list has null where a value is required.");
}
