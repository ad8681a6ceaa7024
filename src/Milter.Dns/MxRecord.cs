namespace Milter.Dns;

/// <summary>One MX record.</summary>
/// <param name="Preference">The preference; lower is tried first.</param>
/// <param name="Exchange">The exchange host name without the trailing dot.</param>
public sealed record MxRecord(int Preference, string Exchange);
