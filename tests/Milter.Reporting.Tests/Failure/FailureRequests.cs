using System.Net;
using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using Milter.Reporting.Failure;

namespace Milter.Reporting.Tests.Failure;

/// <summary>A failing message of example.com from 192.0.2.7, to vary with <c>with</c>.</summary>
internal static class FailureRequests
{
    public const string Headers =
        "Received: from mx.example.net (mx.example.net [192.0.2.7])\r\n\tby mail.example.org (Postfix) with ESMTP id 4AB12C\r\n" +
        "From: Alice <alice@example.com>\r\n" +
        "To: bob@example.org\r\n" +
        "Subject: Quarterly numbers\r\n" +
        "Date: Mon, 23 Nov 2026 17:00:00 +0000\r\n" +
        "Message-ID: <m1@example.com>\r\n";

    public static FailureReportRequest Create(string fo = "0", params string[] ruf) => new(
        PolicyDomain: "example.com",
        ReportUris: (ruf.Length == 0 ? ["mailto:ruf@example.com"] : ruf).Select(u => new DmarcReportUri(new Uri(u), null)).ToList(),
        FailureOptions: fo,
        SourceIp: IPAddress.Parse("192.0.2.7"),
        HeaderFromDomain: "example.com",
        EnvelopeFrom: "bounce@mx.example.net",
        EnvelopeTo: ["bob@example.org", "carol@example.org"],
        ArrivalDate: new DateTimeOffset(2026, 11, 23, 17, 0, 5, TimeSpan.Zero),
        Dkim: [new FailureReportDkim("example.com", "sel1", DmarcDkimOutcome.Fail, Aligned: true)],
        Spf: new FailureReportSpf("mx.example.net", SpfResult.Pass, Aligned: false),
        DmarcResult: DmarcResult.Fail,
        Headers: Headers,
        AuthenticationResults: "mail.example.org;\r\n\tdkim=fail header.d=example.com header.s=sel1;\r\n\tspf=pass smtp.mailfrom=mx.example.net;\r\n\tdmarc=fail header.from=example.com",
        QueueId: "4AB12C");
}
