using System.Diagnostics.Metrics;
using Milter.Protocol.Handling;

namespace Milter.Daemon.Filtering;

/// <summary>
/// The filter's instruments on the <c>authmilter</c> meter, read by name by any <see cref="MeterListener"/> (the
/// metrics exporter): messages by verdict, Authentication-Results entries by method and result, and the time from
/// MAIL FROM to the final answer.
/// </summary>
internal static class FilterMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "authmilter";

    /// <summary>Counter of answered messages, tag <c>verdict</c>: accept, reject, tempfail, quarantine, discard or skipped.</summary>
    public const string MessagesName = "authmilter.messages";

    /// <summary>Counter of Authentication-Results entries written, tags <c>method</c> (spf, dkim, dmarc, arc, iprev, auth) and <c>result</c>.</summary>
    public const string ResultsName = "authmilter.results";

    /// <summary>Histogram of seconds from MAIL FROM to the final answer for the message.</summary>
    public const string DurationName = "authmilter.message.duration";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Messages = Meter.CreateCounter<long>(MessagesName, "{message}", "Messages answered, by verdict.");
    private static readonly Counter<long> Results = Meter.CreateCounter<long>(ResultsName, "{result}", "Authentication-Results entries written, by method and result.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(DurationName, "s", "Time from MAIL FROM to the final answer for the message.");

    /// <summary>Counts one answered message and how long it took.</summary>
    /// <param name="verdict">One of the <see cref="Verdict"/> keywords.</param>
    /// <param name="elapsed">Time since MAIL FROM.</param>
    public static void Message(string verdict, TimeSpan elapsed)
    {
        Messages.Add(1, new KeyValuePair<string, object?>("verdict", verdict));
        Duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("verdict", verdict));
    }

    /// <summary>Counts one method entry written into Authentication-Results.</summary>
    public static void Result(string method, string result) =>
        Results.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("result", result));

    /// <summary>
    /// The verdict keyword of an answer: a 4xx reply is tempfail and a 5xx reply reject, as the MTA treats them;
    /// a delivered message held by SMFIR_QUARANTINE is quarantine.
    /// </summary>
    public static string Verdict(MilterDecision decision, bool quarantined) => decision.Kind switch
    {
        MilterDecisionKind.Reject => "reject",
        MilterDecisionKind.Tempfail => "tempfail",
        MilterDecisionKind.Discard => "discard",
        MilterDecisionKind.Reply => decision.SmtpCode![0] == '4' ? "tempfail" : "reject",
        _ => quarantined ? "quarantine" : "accept",
    };
}
