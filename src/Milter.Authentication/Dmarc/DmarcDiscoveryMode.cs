namespace Milter.Authentication.Dmarc;

/// <summary>How the policy record and the Organizational Domain are found.</summary>
public enum DmarcDiscoveryMode
{
    /// <summary>The RFC 9989 DNS tree walk (section 4.10): no list, at most <see cref="DmarcOptions.MaxTreeWalkLookups"/> queries per walk.</summary>
    TreeWalk,
    /// <summary>
    /// RFC 7489 behaviour (section 3.2 and 6.6.3): the Organizational Domain comes from the Public Suffix List
    /// (<see cref="DmarcOptions.PublicSuffixListPath"/>); the policy is looked up at the Author Domain, then at its
    /// Organizational Domain.
    /// </summary>
    PublicSuffixList,
}
