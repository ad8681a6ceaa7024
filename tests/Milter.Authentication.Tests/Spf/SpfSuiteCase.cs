namespace Milter.Authentication.Tests.Spf;

/// <summary>One test of the openspf YAML suite, with the DNS of its scenario.</summary>
/// <param name="Scenario">The scenario description.</param>
/// <param name="Name">The test name.</param>
/// <param name="Host">The client IP address.</param>
/// <param name="MailFrom">The MAIL FROM reverse-path ("" for null).</param>
/// <param name="Helo">The HELO name.</param>
/// <param name="Results">The acceptable results, preferred first.</param>
/// <param name="Explanation">The expected explanation, if the test gives one.</param>
/// <param name="Dns">The scenario's zone.</param>
public sealed record SpfSuiteCase(
    string Scenario, string Name, string Host, string MailFrom, string Helo, IReadOnlyList<string> Results,
    string? Explanation, SuiteDnsResolver Dns)
{
    /// <inheritdoc />
    public override string ToString() => $"{Scenario}/{Name}";
}
