namespace Milter.Authentication.Tests.Arc;

/// <summary>One test of the ValiMail ARC validation suite: its scenario, name, message (LF line ends as in the file), expected cv and key records.</summary>
public sealed record ArcSuiteCase(
    string Scenario,
    string Name,
    string Description,
    string Message,
    string ExpectedCv,
    IReadOnlyList<KeyValuePair<string, string>> TxtRecords)
{
    public override string ToString() => Name;
}
