namespace Milter.Authentication.Dmarc;

/// <summary>One checked DKIM signature, as the daemon hands it to the DMARC evaluator (RFC 9989 section 5.3.3).</summary>
/// <param name="Domain">The signing domain, the signature's <c>d=</c> tag.</param>
/// <param name="Selector">The signature's <c>s=</c> tag, kept for reports.</param>
/// <param name="Outcome">The verification outcome; only <see cref="DmarcDkimOutcome.Pass"/> yields an authenticated identifier.</param>
public sealed record DmarcDkimInput(string Domain, string Selector, DmarcDkimOutcome Outcome);
