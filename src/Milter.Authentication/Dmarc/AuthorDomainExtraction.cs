namespace Milter.Authentication.Dmarc;

/// <summary>The Author Domains found in a message's From header fields, with what was wrong with them.</summary>
/// <param name="Domains">
/// Every distinct domain of every mailbox that parsed, group members included, normalized (A-labels, lower case,
/// no trailing dot), in order of appearance. With a problem it may hold several domains or none: the evaluator checks
/// each, so that adding a second address or field cannot bypass the policy of the first.
/// </param>
/// <param name="Problem">What makes the fields non-compliant, <see cref="AuthorDomainProblem.None"/> when nothing does.</param>
/// <param name="Detail">A short description of the problem for logs and the Authentication-Results comment, or null.</param>
public sealed record AuthorDomainExtraction(IReadOnlyList<string> Domains, AuthorDomainProblem Problem, string? Detail);
