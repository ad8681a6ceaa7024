using System.Net;
using Milter.Reporting.Aggregate;
using Milter.Reporting.Storage;

namespace Milter.Reporting.Tests.Outgoing;

/// <summary>Reports, histories and options shared by the outgoing report tests.</summary>
internal static class ReportSamples
{
    public static readonly ReportPeriod Day = new(new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

    public static ReportingOptions Options() => new()
    {
        OrgName = "Receiver Example",
        Contact = "dmarc-reports@receiver.example",
        Suppress = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
    };

    public static ReportRecord Row(string ip, long count, string dkim = "pass", string spf = "fail") =>
        new(IPAddress.Parse(ip), count, new PolicyEvaluated("none", dkim, spf), "example.com")
        {
            EnvelopeFrom = "example.com",
            Dkim = [new DkimAuthResult("example.com", "s1", dkim)],
            Spf = [new SpfAuthResult("example.com", "mfrom", spf)],
        };

    public static PeriodHistory History(string domain = "example.com", string record = "v=DMARC1; p=reject; rua=mailto:dmarc@example.com") =>
        new(domain, record, [Row("192.0.2.1", 3), Row("198.51.100.7", 1, dkim: "fail", spf: "pass")]);
}
