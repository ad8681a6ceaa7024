namespace Milter.Packaging.Tests.Support;

/// <summary>One Dockerfile instruction: its keyword in upper case and the rest of the (joined) line.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);
