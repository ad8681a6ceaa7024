namespace Milter.IntegrationTests.EndToEnd;

/// <summary>One row of the suite's <c>cases.tsv</c>: an upstream milter test, its envelope and its verdicts.</summary>
/// <param name="Id">The row id, <c>am01</c>…<c>am33</c>.</param>
/// <param name="Description">Upstream's test description.</param>
/// <param name="MilterConfig">The upstream configuration the milter ran with (<c>normal</c>, <c>hide_none</c>…).</param>
/// <param name="Input">The input message, relative to the suite folder.</param>
/// <param name="ClientIp">The connecting client's address.</param>
/// <param name="Helo">The client's host name and HELO argument (upstream uses one value for both).</param>
/// <param name="MailFrom">MAIL FROM as upstream passed it (sometimes in angle brackets; empty for the null sender).</param>
/// <param name="RcptTo">RCPT TO as upstream passed it.</param>
/// <param name="Spf">The spf= verdict, or <c>-</c> when upstream reported none.</param>
/// <param name="Dkim">The dkim= verdicts, comma-separated, or <c>-</c>.</param>
/// <param name="Dmarc">The dmarc= verdicts, comma-separated, or <c>-</c>.</param>
/// <param name="Iprev">The iprev= verdict, or <c>-</c>.</param>
/// <param name="SmtpReject">The SMTP rejection upstream answered, or <c>-</c>.</param>
/// <param name="Notes">What the row exercises and whether it depends on upstream settings.</param>
public sealed record SuiteCase(
    string Id,
    string Description,
    string MilterConfig,
    string Input,
    string ClientIp,
    string Helo,
    string MailFrom,
    string RcptTo,
    string Spf,
    string Dkim,
    string Dmarc,
    string Iprev,
    string SmtpReject,
    string Notes)
{
    private const int Columns = 15;

    /// <summary>Reads every row of <paramref name="path"/> (a header line, then tab-separated rows).</summary>
    /// <exception cref="FormatException">A row does not have the 15 columns of the header.</exception>
    public static IReadOnlyList<SuiteCase> Load(string path) =>
        [.. File.ReadLines(path).Skip(1).Where(line => line.Length > 0).Select(Parse)];

    /// <summary>The verdicts of <paramref name="column"/> in order; empty for <c>-</c> (not reported).</summary>
    public static IReadOnlyList<string> Verdicts(string column) =>
        column == "-" ? [] : [.. column.Split(',', StringSplitOptions.TrimEntries)];

    /// <summary>An SMTP path as the upstream driver passed it, without the angle brackets some rows carry.</summary>
    public static string WithoutAngleBrackets(string path) =>
        path.StartsWith('<') && path.EndsWith('>') ? path[1..^1] : path;

    /// <inheritdoc />
    public override string ToString() => Id;

    private static SuiteCase Parse(string line)
    {
        var f = line.Split('\t');
        if (f.Length != Columns)
        {
            throw new FormatException($"cases.tsv row has {f.Length} columns, not {Columns}: '{line}'.");
        }

        // The notes column keeps a trailing space in one row; the verdict columns never carry any.
        return new SuiteCase(f[0], f[1], f[2], f[3], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13], f[14].Trim());
    }
}
