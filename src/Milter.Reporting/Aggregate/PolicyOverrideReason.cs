namespace Milter.Reporting.Aggregate;

/// <summary>
/// A <c>reason</c> element (RFC 9990 section 3.1.3): why the applied disposition is not the published policy.
/// </summary>
/// <param name="Type">local_policy, mailing_list, other, policy_test_mode, trusted_forwarder (RFC 9990), or RFC 7489's forwarded, sampled_out.</param>
/// <param name="Comment">Free text, or null.</param>
public sealed record PolicyOverrideReason(string Type, string? Comment);
