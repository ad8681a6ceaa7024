namespace Milter.Authentication.Spf;

/// <summary>
/// Ends an evaluation with temperror or permerror from any depth; RFC 7208 makes both results of the
/// topmost check_host(), whatever include or redirect they arise in. Never leaves the engine.
/// </summary>
internal sealed class SpfException(SpfResult result, string problem) : Exception(problem)
{
    public SpfResult Result { get; } = result;
}
