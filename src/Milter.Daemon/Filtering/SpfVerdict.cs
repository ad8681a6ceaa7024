using Milter.Authentication.Results;
using Milter.Authentication.Spf;
using Milter.Protocol.Handling;

namespace Milter.Daemon.Filtering;

/// <summary>The SPF outcome of one transaction and the MTA decision it calls for.</summary>
/// <param name="MailFrom">The MAIL FROM identity's evaluation (for a null sender, of <c>postmaster@</c>HELO).</param>
/// <param name="Helo">The HELO identity's own evaluation; null when it is ignored or the sender is null (MAIL FROM is then that check).</param>
/// <param name="Decision">Continue, or the refusal <c>SpfMode enforce</c> calls for.</param>
internal sealed record SpfVerdict(SpfEvaluation MailFrom, SpfEvaluation? Helo, MilterDecision Decision)
{
    /// <summary>The spf= entries for Authentication-Results (RFC 8601 section 2.7.2).</summary>
    public IEnumerable<AuthenticationMethodResult> MethodResults()
    {
        yield return MailFrom.EnvelopeFrom is null
            ? Entry(MailFrom, "smtp.helo", MailFrom.Helo)
            : Entry(MailFrom, "smtp.mailfrom", MailFrom.Domain);
        if (Helo is not null)
        {
            yield return Entry(Helo, "smtp.helo", Helo.Helo);
        }
    }

    /// <summary>The short form for the per-message log line.</summary>
    public string Summary() => Helo is null
        ? $"spf={ReceivedSpfHeader.Keyword(MailFrom.Result)}"
        : $"spf={ReceivedSpfHeader.Keyword(MailFrom.Result)} spf.helo={ReceivedSpfHeader.Keyword(Helo.Result)}";

    private static AuthenticationMethodResult Entry(SpfEvaluation evaluation, string property, string value) =>
        new("spf", ReceivedSpfHeader.Keyword(evaluation.Result), evaluation.Problem, [new(property, value)]);
}
