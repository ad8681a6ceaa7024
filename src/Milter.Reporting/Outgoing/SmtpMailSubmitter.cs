using System.Globalization;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Milter.Reporting.Mail;

namespace Milter.Reporting.Outgoing;

/// <summary>
/// Hands report mail to the smarthost (<see cref="ReportingOptions.SmtpServer"/>) over SMTP, one connection per
/// message, with STARTTLS when the server offers it. A 5xx reply is a permanent refusal; a 4xx reply, a broken or
/// timed-out connection, or a server that cannot be reached is transient.
/// </summary>
public sealed class SmtpMailSubmitter : IMailSubmitter
{
    /// <summary>The SMTP port used when <see cref="ReportingOptions.SmtpServer"/> names none.</summary>
    public const int DefaultPort = 25;

    private readonly string _host;
    private readonly int _port;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a submitter for <paramref name="options"/>' <see cref="ReportingOptions.SmtpServer"/>.</summary>
    /// <param name="options">The reporting options.</param>
    /// <param name="timeout">How long one network operation (connect, each command, the data) may take. Defaults to one minute.</param>
    /// <exception cref="FormatException">The server is not <c>host</c>, <c>host:port</c> or <c>[ipv6]:port</c> with a port of 1 to 65535.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive or over a day.</exception>
    public SmtpMailSubmitter(ReportingOptions options, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeout = timeout ?? TimeSpan.FromMinutes(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_timeout, TimeSpan.Zero, nameof(timeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_timeout, TimeSpan.FromDays(1), nameof(timeout));
        (_host, _port) = ParseServer(options.SmtpServer);
    }

    /// <summary>Splits <c>host</c>, <c>host:port</c> or <c>[ipv6]:port</c>; the port defaults to <see cref="DefaultPort"/>.</summary>
    /// <exception cref="FormatException">The text is empty or the port is not 1 to 65535.</exception>
    public static (string Host, int Port) ParseServer(string server)
    {
        var text = server?.Trim() ?? string.Empty;
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                throw new FormatException($"'{server}' is not host, host:port or [address]:port.");
            }

            host = text[1..close];
            port = close + 1 < text.Length ? text[(close + 2)..] : null;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':');
            host = text[..colon];
            port = text[(colon + 1)..];
        }
        else
        {
            // No colon, or a bare IPv6 address: the whole text is the host.
            host = text;
        }

        if (host.Length == 0)
        {
            throw new FormatException($"'{server}' names no SMTP server.");
        }

        if (port is null)
        {
            return (host, DefaultPort);
        }

        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535
            ? (host, number)
            : throw new FormatException($"'{port}' in '{server}' is not a port number.");
    }

    /// <inheritdoc />
    public async Task SubmitAsync(MimeMessage message, MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0)
        {
            throw new ArgumentException("A report needs at least one recipient.", nameof(recipients));
        }

        using var client = new SmtpClient { Timeout = (int)_timeout.TotalMilliseconds };

        // Opportunistic STARTTLS, as an MTA relaying to a smarthost does (Postfix smtp_tls_security_level=may): the
        // certificate is not checked, since refusing an unverified one would only make us fall back to plain text.
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        try
        {
            await client.ConnectAsync(_host, _port, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken).ConfigureAwait(false);
            await client.SendAsync(message, sender, recipients, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        }
        catch (SmtpCommandException exception)
        {
            var code = (int)exception.StatusCode;
            throw new ReportDeliveryException($"{_host}:{_port} refused the report: {code} {exception.Message.Trim()}", exception)
            {
                Transient = code is < 500 or > 599,
            };
        }
        catch (Exception exception) when (exception is SmtpProtocolException or IOException or SocketException or TimeoutException
            or System.Security.Authentication.AuthenticationException or ServiceNotConnectedException or SslHandshakeException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ReportDeliveryException($"{_host}:{_port} could not be reached or dropped the connection: {exception.Message}", exception);
        }
    }
}
