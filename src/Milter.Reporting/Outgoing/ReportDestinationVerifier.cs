using Milter.Dns;

namespace Milter.Reporting.Outgoing;

/// <summary>
/// Checks that a report destination outside the policy domain agreed to receive its reports (the external
/// destination verification of RFC 9989, RFC 7489 section 7.1): a TXT record
/// <c>&lt;policy-domain&gt;._report._dmarc.&lt;destination-domain&gt;</c> that starts with <c>v=DMARC1</c>.
/// Used for aggregate and failure reports alike.
/// </summary>
/// <param name="resolver">Where the authorization record is looked up.</param>
public sealed class ReportDestinationVerifier(IDnsResolver resolver)
{
    private const string RecordPrefix = "v=DMARC1";

    /// <summary>Whether reports about <paramref name="policyDomain"/> may be sent to an address at <paramref name="destinationDomain"/>.</summary>
    /// <remarks>
    /// A destination equal to the policy domain or below it shares its Organizational Domain whatever the Public
    /// Suffix List or a tree walk says, so it is allowed without a query. Any other destination is looked up, even
    /// one that may share the Organizational Domain (e.g. the parent of the policy domain): telling that apart needs
    /// discovery of the Organizational Domain, and a needless query costs less than a report sent where it was
    /// not asked for.
    /// </remarks>
    /// <exception cref="ArgumentException">A domain is null or empty.</exception>
    public async Task<DestinationVerdict> VerifyAsync(string policyDomain, string destinationDomain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(policyDomain);
        ArgumentException.ThrowIfNullOrEmpty(destinationDomain);
        var policy = policyDomain.TrimEnd('.').ToLowerInvariant();
        var destination = destinationDomain.TrimEnd('.').ToLowerInvariant();
        if (destination == policy || destination.EndsWith("." + policy, StringComparison.Ordinal))
        {
            return DestinationVerdict.Allowed;
        }

        var response = await resolver.QueryTxtAsync($"{policy}._report._dmarc.{destination}", cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            DnsStatus.TemporaryError => DestinationVerdict.TemporaryFailure,
            DnsStatus.Success when response.Records.Any(r => r.StartsWith(RecordPrefix, StringComparison.Ordinal) && (r.Length == RecordPrefix.Length || r[RecordPrefix.Length] is ';' or ' ' or '\t')) => DestinationVerdict.Allowed,
            _ => DestinationVerdict.NotAuthorized,
        };
    }
}
