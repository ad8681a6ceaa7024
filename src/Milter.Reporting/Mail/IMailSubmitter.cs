using MimeKit;

namespace Milter.Reporting.Mail;

/// <summary>Hands a report message to the smarthost; throws when it is not accepted, so nothing is marked sent that was not.</summary>
public interface IMailSubmitter
{
    /// <summary>Submits <paramref name="message"/> from <paramref name="sender"/> to <paramref name="recipients"/>.</summary>
    /// <exception cref="ReportDeliveryException">The server refused it or could not be reached; the message says why.</exception>
    Task SubmitAsync(MimeMessage message, MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients, CancellationToken cancellationToken);
}
