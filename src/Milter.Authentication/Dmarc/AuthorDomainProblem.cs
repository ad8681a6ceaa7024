namespace Milter.Authentication.Dmarc;

/// <summary>
/// Why the RFC5322.From header fields do not give exactly one Author Domain (RFC 9989 section 5.3.1; RFC 5322
/// section 3.6 allows one From field holding a mailbox-list, and a single mailbox unless Sender is present).
/// Listed from the most to the least severe: when several apply, the first is reported.
/// </summary>
public enum AuthorDomainProblem
{
    /// <summary>One From field with one mailbox: the normal case.</summary>
    None,
    /// <summary>A From field is not a valid address list (unbalanced quotes or brackets, stray text…).</summary>
    Unparsable,
    /// <summary>A mailbox has no domain (<c>From: user</c>).</summary>
    NoDomain,
    /// <summary>A mailbox's domain is not a DNS domain name (a domain literal, a bad IDN, an over-long label).</summary>
    InvalidDomain,
    /// <summary>A From field uses group syntax (<c>From: group: a@example.com;</c>), which RFC 5322 does not allow there.</summary>
    GroupSyntax,
    /// <summary>The message has no From field.</summary>
    NoFromHeader,
    /// <summary>The message has more than one From field.</summary>
    MultipleFromHeaders,
    /// <summary>One From field holds more than one mailbox.</summary>
    MultipleAddresses,
}
