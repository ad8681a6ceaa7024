namespace Milter.Authentication.Spf;

/// <summary>One step of an evaluation, recorded when <see cref="SpfOptions.RecordTrace"/> is set.</summary>
/// <param name="Depth">The include/redirect nesting level: 0 for the checked domain's own record.</param>
/// <param name="Kind">What the entry describes.</param>
/// <param name="Text">A one-line human-readable description.</param>
public sealed record SpfTraceEntry(int Depth, SpfTraceKind Kind, string Text);
