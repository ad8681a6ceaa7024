namespace Milter.Reporting.Outgoing;

/// <summary>Whether reports for a policy domain may go to a destination in another domain (see <see cref="ReportDestinationVerifier"/>).</summary>
public enum DestinationVerdict
{
    /// <summary>The destination is in the policy domain's organization, or it published the authorization record.</summary>
    Allowed,

    /// <summary>The destination did not publish the authorization record: reports must not go there.</summary>
    NotAuthorized,

    /// <summary>The authorization record could not be looked up (a DNS temporary error); try again on the next run.</summary>
    TemporaryFailure,
}
