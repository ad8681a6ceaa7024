namespace Milter.Authentication.Spf;

/// <summary>The results of checking both identities of one SMTP transaction.</summary>
/// <param name="Helo">The HELO identity's evaluation.</param>
/// <param name="MailFrom">The MAIL FROM identity's evaluation (for a null reverse-path, the HELO evaluation relabelled).</param>
public sealed record SpfCheckResult(SpfEvaluation Helo, SpfEvaluation MailFrom);
