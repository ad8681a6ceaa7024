using MimeKit;
using Milter.Reporting.Mail;

namespace Milter.Reporting.Tests.Outgoing;

/// <summary>A submitter that records what it accepts and refuses while <see cref="Failure"/> is set.</summary>
internal sealed class RecordingSubmitter : IMailSubmitter
{
    public List<(MimeMessage Message, MailboxAddress Sender, IReadOnlyList<MailboxAddress> Recipients)> Accepted { get; } = [];

    /// <summary>Thrown by every submission while set.</summary>
    public ReportDeliveryException? Failure { get; set; }

    public Task SubmitAsync(MimeMessage message, MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients, CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        Accepted.Add((message, sender, recipients));
        return Task.CompletedTask;
    }
}
