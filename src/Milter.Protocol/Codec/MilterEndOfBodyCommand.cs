using System.Buffers;

namespace Milter.Protocol.Codec;

/// <summary>
/// SMFIC_BODYEOB: end of message. Current MTAs send it empty; libmilter treats data in it as a last body
/// chunk, so <see cref="FinalChunk"/> carries it (a slice of the packet, empty when none).
/// </summary>
/// <param name="FinalChunk">Trailing body bytes sent with the command.</param>
public readonly record struct MilterEndOfBodyCommand(ReadOnlySequence<byte> FinalChunk);
