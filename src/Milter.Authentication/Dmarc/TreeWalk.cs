namespace Milter.Authentication.Dmarc;

/// <summary>The outcome of one DNS tree walk: the records found, longest name first, or the DNS error that ended it.</summary>
internal sealed record TreeWalk(string Start, IReadOnlyList<DmarcRecordLookup> Found, DmarcRecordLookup? Failure)
{
    /// <summary>
    /// The Organizational Domain of <see cref="Start"/> by RFC 9989 section 4.10.2. The walk stops at the first
    /// <c>psd</c> tag, so only the last (shortest) record can carry one: <c>psd=n</c> makes its domain the
    /// Organizational Domain; <c>psd=y</c> anywhere but at the start makes it the domain one label below; otherwise
    /// the record with the fewest labels (the last) decides; without any record it is the start itself.
    /// </summary>
    public string OrganizationalDomain
    {
        get
        {
            if (Found.Count == 0)
            {
                return Start;
            }

            var last = Found[^1];
            return last.Record!.Psd == DmarcPsd.Yes && last.Domain != Start
                ? DmarcDomainName.RightLabels(Start, DmarcDomainName.CountLabels(last.Domain) + 1)
                : last.Domain;
        }
    }
}
