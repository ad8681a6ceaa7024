using System.Collections.Concurrent;
using Milter.Reporting.Mail;
using MimeKit;

namespace Milter.Reporting.Tests.Failure;

/// <summary>Records what it is given; refuses recipients listed in <see cref="Refuse"/>.</summary>
internal sealed class FakeMailSubmitter : IMailSubmitter
{
    public ConcurrentQueue<(MimeMessage Message, MailboxAddress Sender, IReadOnlyList<MailboxAddress> Recipients)> Submitted { get; } = new();

    public HashSet<string> Refuse { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Task SubmitAsync(MimeMessage message, MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients, CancellationToken cancellationToken)
    {
        if (recipients.Any(r => Refuse.Contains(r.Address)))
        {
            throw new ReportDeliveryException("550 5.1.1 no such user") { Transient = false };
        }

        // The reporter disposes the message after submission, as a real submitter's caller would: keep a copy.
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        stream.Position = 0;
        Submitted.Enqueue((MimeMessage.Load(stream), sender, recipients));
        return Task.CompletedTask;
    }
}
