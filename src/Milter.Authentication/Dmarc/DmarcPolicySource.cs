namespace Milter.Authentication.Dmarc;

/// <summary>Which tag of the policy record gave the policy for the Author Domain (RFC 9989 section 4.10.1).</summary>
public enum DmarcPolicySource
{
    /// <summary><c>p</c>: the record was published for the Author Domain itself.</summary>
    Domain,
    /// <summary><c>sp</c> (or <c>p</c> without it): the Author Domain is an existing subdomain of the policy domain.</summary>
    Subdomain,
    /// <summary><c>np</c> (or <c>sp</c>, then <c>p</c>, without it): the Author Domain is a non-existent subdomain.</summary>
    NonExistentSubdomain,
}
