using System.Globalization;
using System.Reflection;
using System.Text;
using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using MimeKit;
using MimeKit.Utils;

namespace Milter.Reporting.Failure;

/// <summary>
/// Writes a DMARC failure report (RFC 9991) in the Abuse Reporting Format: a <c>multipart/report;
/// report-type=feedback-report</c> (RFC 5965) holding a human-readable part, the <c>message/feedback-report</c> part
/// with the RFC 6591 <c>auth-failure</c> fields as updated by RFC 9991 section 4, and the reported message's header
/// fields only (<c>text/rfc822-headers</c>): the body is never sent, the redaction RFC 9991 section 6 asks reporters
/// to consider.
/// </summary>
public sealed class FailureReportComposer
{
    private readonly MailboxAddress _from;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a composer for reports sent from <paramref name="from"/> (our <c>ReportContact</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="from"/> is null.</exception>
    public FailureReportComposer(MailboxAddress from, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        _from = from;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The <c>User-Agent</c> field: <c>authmilter/</c> and this assembly's version.</summary>
    public static string UserAgent { get; } =
        "authmilter/" + (typeof(FailureReportComposer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>The report about <paramref name="request"/>'s message for the destination <paramref name="to"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="to"/> is null.</exception>
    public MimeMessage Compose(FailureReportRequest request, MailboxAddress to)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(to);

        var original = ParseHeaders(request.Headers);
        var report = new MultipartReport("feedback-report")
        {
            new TextPart("plain") { Text = HumanReadable(request) },
            FeedbackReport(request),
            new TextRfc822Headers { Message = original },
        };

        var message = new MimeMessage
        {
            Date = _timeProvider.GetUtcNow(),
            MessageId = MimeUtils.GenerateMessageId(_from.Domain.Length > 0 ? _from.Domain : "localhost"),
            // The example report of RFC 9991 appendix A forwards the original subject; without one the domain says
            // what the report is about.
            Subject = string.IsNullOrWhiteSpace(original.Subject)
                ? $"DMARC Failure Report for {request.HeaderFromDomain}"
                : $"FW: {original.Subject}",
            Body = report,
        };
        message.From.Add(_from);
        message.To.Add(to);
        // RFC 3834: reports are machine-generated; responders and other reporters must not answer them.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    /// <summary>
    /// The <c>Identity-Alignment</c> value (RFC 9991 section 4): the mechanisms whose identifier was aligned but did
    /// not authenticate, <c>dkim</c> and/or <c>spf</c>, or <c>none</c>.
    /// </summary>
    public static string IdentityAlignment(FailureReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var dkim = request.Dkim.Any(signature => signature.Aligned && signature.Result != DmarcDkimOutcome.Pass);
        var spf = request.Spf.Aligned && request.Spf.Result != SpfResult.Pass;
        return (dkim, spf) switch
        {
            (true, true) => "dkim, spf",
            (true, false) => "dkim",
            (false, true) => "spf",
            _ => "none",
        };
    }

    private static MessageFeedbackReport FeedbackReport(FailureReportRequest request)
    {
        var part = new MessageFeedbackReport();
        var fields = part.Fields;
        fields.Add("Feedback-Type", "auth-failure");
        fields.Add("User-Agent", UserAgent);
        fields.Add("Version", "1");
        if (!string.IsNullOrEmpty(request.QueueId))
        {
            fields.Add("Original-Envelope-Id", request.QueueId);
        }

        fields.Add("Original-Mail-From", $"<{request.EnvelopeFrom}>");
        foreach (var recipient in request.EnvelopeTo)
        {
            fields.Add("Original-Rcpt-To", $"<{recipient}>");
        }

        fields.Add("Arrival-Date", DateUtils.FormatDate(request.ArrivalDate));
        fields.Add("Source-IP", request.SourceIp.ToString());
        fields.Add("Reported-Domain", request.HeaderFromDomain);
        fields.Add("Authentication-Results", Unfold(request.AuthenticationResults));
        fields.Add("Auth-Failure", "dmarc");
        fields.Add("Identity-Alignment", IdentityAlignment(request));

        // RFC 9991 section 4 requires DKIM-Domain and DKIM-Selector for a DKIM failure of an aligned identifier;
        // without one, the first failed signature still tells the Domain Owner which key to look at.
        var failed = request.Dkim.FirstOrDefault(signature => signature.Aligned && signature.Result != DmarcDkimOutcome.Pass)
            ?? request.Dkim.FirstOrDefault(signature => signature.Result != DmarcDkimOutcome.Pass);
        if (failed is not null)
        {
            fields.Add("DKIM-Domain", failed.Domain);
            fields.Add("DKIM-Selector", failed.Selector);
        }

        return part;
    }

    private static string HumanReadable(FailureReportRequest request)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"This is a DMARC failure report (RFC 9991) for a message with From domain {request.HeaderFromDomain},\r\n");
        text.Append(CultureInfo.InvariantCulture,
            $"received from {request.SourceIp} on {DateUtils.FormatDate(request.ArrivalDate)}.\r\n\r\n");
        text.Append(CultureInfo.InvariantCulture, $"DMARC: {DmarcEvaluation.Name(request.DmarcResult)} (policy domain {request.PolicyDomain})\r\n");
        text.Append(CultureInfo.InvariantCulture,
            $"SPF: {request.Spf.Result.ToString().ToLowerInvariant()} for {request.Spf.Domain ?? "(no domain)"}, {Alignment(request.Spf.Aligned)}\r\n");
        if (request.Dkim.Count == 0)
        {
            text.Append("DKIM: no signature\r\n");
        }

        foreach (var signature in request.Dkim)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"DKIM: {signature.Result.ToString().ToLowerInvariant()} for d={signature.Domain} s={signature.Selector}, {Alignment(signature.Aligned)}\r\n");
        }

        text.Append("\r\nOnly the header fields of the message are attached; its body is not.\r\n");
        return text.ToString();
    }

    private static string Alignment(bool aligned) => aligned ? "aligned" : "not aligned";

    /// <summary>The header block as a message without a body; text past the first empty line is dropped.</summary>
    private static MimeMessage ParseHeaders(string headers)
    {
        var normalized = headers.ReplaceLineEndings("\r\n");
        var end = normalized.StartsWith("\r\n", StringComparison.Ordinal) ? 0 : normalized.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var block = end switch
        {
            0 => string.Empty,
            < 0 => normalized.TrimEnd('\r', '\n') + "\r\n",
            _ => normalized[..(end + 2)],
        };
        try
        {
            return Load(block);
        }
        catch (FormatException)
        {
            // Not header fields at all: the report goes out with an empty header part rather than not at all.
            return Load(string.Empty);
        }
    }

    private static MimeMessage Load(string block)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(block + "\r\n"));
        return MimeMessage.Load(stream);
    }

    private static string Unfold(string value) =>
        string.Join(' ', value.ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));
}
