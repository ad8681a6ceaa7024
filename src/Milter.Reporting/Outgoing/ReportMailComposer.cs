using System.Globalization;
using MimeKit;
using MimeKit.Utils;
using Milter.Reporting.Aggregate;

namespace Milter.Reporting.Outgoing;

/// <summary>
/// The mail that carries one aggregate report (the email transport of RFC 9990): the subject that names the domain,
/// the submitter and the report id, a short text part, and the gzip-compressed XML as an attachment.
/// </summary>
public static class ReportMailComposer
{
    /// <summary>
    /// The domain we report as (the <c>Submitter</c> of the subject and the receiver of the file name): the domain of
    /// the contact address.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="contact"/> is not a mail address with a domain.</exception>
    public static string ReceiverDomain(string contact)
    {
        if (!MailboxAddress.TryParse(contact, out var mailbox) || mailbox.Domain.Length == 0)
        {
            throw new FormatException($"The report contact '{contact}' is not a mail address with a domain.");
        }

        return mailbox.Domain.ToLowerInvariant();
    }

    /// <summary>The subject: <c>Report Domain: D Submitter: S Report-ID: &lt;ID&gt;</c>.</summary>
    public static string Subject(string policyDomain, string receiverDomain, string reportId) =>
        $"Report Domain: {policyDomain} Submitter: {receiverDomain} Report-ID: <{reportId}>";

    /// <summary>Composes the report mail.</summary>
    /// <param name="report">The report (for the subject and the text part).</param>
    /// <param name="compressed">The gzip-compressed XML of <paramref name="report"/>.</param>
    /// <param name="from">Our contact address (the From).</param>
    /// <param name="to">The <c>rua</c> address.</param>
    /// <param name="date">The Date of the message.</param>
    /// <exception cref="FormatException"><paramref name="from"/> has no domain.</exception>
    public static MimeMessage Compose(AggregateReport report, byte[] compressed, MailboxAddress from, MailboxAddress to, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);

        var receiver = ReceiverDomain(from.Address);
        var domain = report.Policy.Domain;
        var period = new ReportPeriod(report.Metadata.Begin, report.Metadata.End);
        var message = new MimeMessage
        {
            Subject = Subject(domain, receiver, report.Metadata.ReportId),
            Date = date,
            MessageId = MimeUtils.GenerateMessageId(receiver),
        };
        message.From.Add(from);
        message.To.Add(to);

        // RFC 3834: reports are machine-generated; auto-responders must not answer them, and mail systems (this one
        // included) can tell them apart so no report is ever sent about a report.
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var text = new TextPart("plain")
        {
            Text = string.Create(
                CultureInfo.InvariantCulture,
                $"""
                This is a DMARC aggregate report (RFC 9990) from {report.Metadata.OrgName} for {domain},
                covering {period} ({report.MessageCount} messages in {report.Records.Count} records).
                The report is the attached gzip-compressed XML file.

                """),
        };

        var attachment = new MimePart("application", "gzip")
        {
            Content = new MimeContent(new MemoryStream(compressed, writable: false)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = ReportFile.FileName(receiver, domain, period),
        };

        message.Body = new Multipart("mixed") { text, attachment };
        return message;
    }
}
