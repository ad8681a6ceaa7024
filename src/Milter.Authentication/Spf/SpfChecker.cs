using System.Net;
using Milter.Dns;

namespace Milter.Authentication.Spf;

/// <summary>
/// Checks the HELO and MAIL FROM identities of an SMTP client with SPF (RFC 7208). Thread-safe: one instance
/// serves all connections, and shares its parsed-record cache between them.
/// </summary>
public sealed class SpfChecker
{
    private readonly IDnsResolver _resolver;
    private readonly SpfOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly SpfRecordCache _cache = new();

    /// <summary>Creates a checker that resolves through <paramref name="resolver"/>.</summary>
    /// <param name="resolver">The DNS seam; its errors become temperror, never exceptions.</param>
    /// <param name="options">Limits and settings; null for the defaults.</param>
    /// <param name="timeProvider">The clock of the <c>%{t}</c> macro; null for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="resolver"/> is null.</exception>
    public SpfChecker(IDnsResolver resolver, SpfOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolver = resolver;
        _options = options ?? new SpfOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Checks the HELO identity (RFC 7208 section 2.3) and the MAIL FROM identity (section 2.4). For a null
    /// reverse-path the MAIL FROM identity is <c>postmaster@</c><paramref name="helo"/>, the same check as HELO,
    /// so it is evaluated once. A reverse-path without local-part is checked as <c>postmaster@</c>its domain.
    /// </summary>
    /// <param name="client">The SMTP client address; IPv4-mapped IPv6 is checked as IPv4.</param>
    /// <param name="mailFrom">The MAIL FROM reverse-path without angle brackets; null or empty for the null reverse-path.</param>
    /// <param name="helo">The HELO/EHLO argument as given by the client.</param>
    /// <param name="cancellationToken">
    /// Bounds the whole evaluation: the caller cancels it after its time limit (RFC 7208 section 4.6.4 suggests
    /// at least 20 seconds). Cancellation gives temperror results, not an exception.
    /// </param>
    /// <returns>One evaluation per identity.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="helo"/> is null.</exception>
    public async ValueTask<SpfCheckResult> CheckAsync(IPAddress client, string? mailFrom, string helo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(helo);
        client = Unmapped(client);
        var envelopeFrom = string.IsNullOrEmpty(mailFrom) ? null : mailFrom;
        var heloResult = await EvaluateHeloAsync(client, helo, envelopeFrom, cancellationToken).ConfigureAwait(false);
        if (envelopeFrom is null)
        {
            return new SpfCheckResult(heloResult, heloResult with { Identity = SpfIdentity.MailFrom });
        }

        return new SpfCheckResult(heloResult, await EvaluateMailFromAsync(client, envelopeFrom, helo, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Checks only the MAIL FROM identity, for receivers that do not use the HELO result (for a null reverse-path
    /// that identity is <c>postmaster@</c><paramref name="helo"/>, so the HELO name is still checked then).
    /// </summary>
    /// <inheritdoc cref="CheckAsync" path="/param"/>
    /// <returns>The MAIL FROM identity's evaluation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="helo"/> is null.</exception>
    public async ValueTask<SpfEvaluation> CheckMailFromAsync(IPAddress client, string? mailFrom, string helo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(helo);
        client = Unmapped(client);
        if (string.IsNullOrEmpty(mailFrom))
        {
            return (await EvaluateHeloAsync(client, helo, null, cancellationToken).ConfigureAwait(false)) with { Identity = SpfIdentity.MailFrom };
        }

        return await EvaluateMailFromAsync(client, mailFrom, helo, cancellationToken).ConfigureAwait(false);
    }

    private static IPAddress Unmapped(IPAddress client) => client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;

    private ValueTask<SpfEvaluation> EvaluateHeloAsync(IPAddress client, string helo, string? envelopeFrom, CancellationToken cancellationToken) =>
        EvaluateAsync(SpfIdentity.Helo, client, "postmaster@" + helo, helo, envelopeFrom, cancellationToken);

    private ValueTask<SpfEvaluation> EvaluateMailFromAsync(IPAddress client, string envelopeFrom, string helo, CancellationToken cancellationToken)
    {
        var at = envelopeFrom.LastIndexOf('@');
        var sender = at switch
        {
            < 0 => "postmaster@" + envelopeFrom,
            0 => "postmaster" + envelopeFrom,
            _ => envelopeFrom,
        };
        return EvaluateAsync(SpfIdentity.MailFrom, client, sender, helo, envelopeFrom, cancellationToken);
    }

    private ValueTask<SpfEvaluation> EvaluateAsync(
        SpfIdentity identity, IPAddress client, string sender, string helo, string? envelopeFrom, CancellationToken cancellationToken)
    {
        var at = sender.LastIndexOf('@');
        var values = new SpfMacroValues(client, sender, at, helo, _options.ReceiverName, _timeProvider);
        var evaluator = new SpfEvaluator(_resolver, _options, _cache, values, cancellationToken);
        return evaluator.RunAsync(identity, sender[(at + 1)..], envelopeFrom);
    }
}
