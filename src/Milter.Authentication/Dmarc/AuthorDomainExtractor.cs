using MimeKit;

namespace Milter.Authentication.Dmarc;

/// <summary>Extracts Author Domains from raw RFC5322.From field values (RFC 9989 section 5.3.1).</summary>
public static class AuthorDomainExtractor
{
    // Strict RFC 5322 parsing: the loose mode guesses, reading "user@victim.example <attacker@evil.example>" as the
    // mailbox attacker@evil.example while mail readers may show victim.example, so a guess could disagree with what the
    // recipient sees. Addresses without a domain are accepted here only to report them as NoDomain.
    private static readonly ParserOptions Options = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = true,
        AllowUnquotedCommasInAddresses = false,
    };

    /// <summary>
    /// Reads the values of all From fields of a message, as received: possibly folded (CRLF followed by white space),
    /// with a leading space, in any encoding MimeKit accepts (RFC 2047 display names, UTF-8).
    /// </summary>
    /// <param name="fromValues">The field values, one per From field, in message order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="fromValues"/> or one of its values is null.</exception>
    public static AuthorDomainExtraction Extract(IReadOnlyList<string> fromValues)
    {
        ArgumentNullException.ThrowIfNull(fromValues);
        if (fromValues.Count == 0)
        {
            return new AuthorDomainExtraction([], AuthorDomainProblem.NoFromHeader, "no From header field");
        }

        var domains = new List<string>();
        var problems = new SortedDictionary<AuthorDomainProblem, string>();
        var mailboxes = 0;
        for (var i = 0; i < fromValues.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(fromValues[i], nameof(fromValues));
            if (!InternetAddressList.TryParse(Options, fromValues[i], out var list))
            {
                problems.TryAdd(AuthorDomainProblem.Unparsable, "From header field is not a valid address list");
                continue;
            }

            foreach (var address in list)
            {
                if (address is GroupAddress group)
                {
                    problems.TryAdd(AuthorDomainProblem.GroupSyntax, $"From header field holds the group \"{group.Name}\"");
                }

                mailboxes += AddMailboxes(address, domains, problems);
            }
        }

        if (fromValues.Count > 1)
        {
            problems.TryAdd(AuthorDomainProblem.MultipleFromHeaders, $"{fromValues.Count} From header fields");
        }
        else if (mailboxes > 1)
        {
            problems.TryAdd(AuthorDomainProblem.MultipleAddresses, $"{mailboxes} addresses in the From header field");
        }
        else if (mailboxes == 0)
        {
            // Only an empty group ("From: undisclosed:;") parses without a mailbox; it is already reported.
            problems.TryAdd(AuthorDomainProblem.GroupSyntax, "no address in the From header field");
        }

        return problems.Count == 0
            ? new AuthorDomainExtraction(domains, AuthorDomainProblem.None, null)
            : new AuthorDomainExtraction(domains, problems.First().Key, problems.First().Value);
    }

    private static int AddMailboxes(InternetAddress address, List<string> domains, SortedDictionary<AuthorDomainProblem, string> problems)
    {
        if (address is GroupAddress group)
        {
            return group.Members.Sum(member => AddMailboxes(member, domains, problems));
        }

        var mailbox = (MailboxAddress)address;
        if (mailbox.Domain.Length == 0)
        {
            problems.TryAdd(AuthorDomainProblem.NoDomain, $"no domain in the From address \"{mailbox.LocalPart}\"");
        }
        else if (DmarcDomainName.Normalize(mailbox.Domain) is { } domain)
        {
            if (!domains.Contains(domain))
            {
                domains.Add(domain);
            }
        }
        else
        {
            problems.TryAdd(AuthorDomainProblem.InvalidDomain, $"\"{mailbox.Domain}\" is not a domain name");
        }

        return 1;
    }
}
