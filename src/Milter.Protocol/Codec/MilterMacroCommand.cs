namespace Milter.Protocol.Codec;

/// <summary>SMFIC_MACRO: the macros that describe the command <see cref="Stage"/>, sent just before it.</summary>
/// <param name="Stage">The command byte the macros belong to (for example <c>'C'</c> for connect).</param>
/// <param name="Macros">Name/value pairs in wire order; names keep their braces (<c>{auth_authen}</c>).</param>
public sealed record MilterMacroCommand(byte Stage, IReadOnlyList<KeyValuePair<string, string>> Macros);
