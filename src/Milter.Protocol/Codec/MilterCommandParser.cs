using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Unicode;
using Milter.Protocol.Handling;

namespace Milter.Protocol.Codec;

/// <summary>
/// Turns packet payloads into typed commands. Pure: no I/O, no logging. Every malformed payload raises
/// <see cref="MilterProtocolException"/> naming the command and the missing part.
/// </summary>
/// <remarks>
/// Strings are decoded as UTF-8 when the bytes are valid UTF-8 (the common case, and exactly what
/// SMTPUTF8 sends), otherwise as Latin-1, which maps every byte to one char. Either way no byte is lost:
/// a Latin-1-decoded value re-encodes to the original bytes with <see cref="Encoding.Latin1"/>, so raw
/// 8-bit header values stay usable for DKIM canonicalisation.
/// </remarks>
public static class MilterCommandParser
{
    private const int StackDecodeLimit = 256;
    private const string IPv6Prefix = "IPv6:";

    /// <summary>Checks that the packet's command byte is one this engine knows.</summary>
    /// <param name="packet">The packet.</param>
    /// <returns>The command.</returns>
    /// <exception cref="MilterProtocolException">The command byte is not an SMFIC_* value.</exception>
    public static MilterCommandCode GetCommand(in MilterPacket packet)
    {
        var code = (MilterCommandCode)packet.Command;
        return code switch
        {
            MilterCommandCode.Abort or MilterCommandCode.Body or MilterCommandCode.Connect or MilterCommandCode.Macro
                or MilterCommandCode.EndOfBody or MilterCommandCode.Helo or MilterCommandCode.QuitNewConnection
                or MilterCommandCode.Header or MilterCommandCode.Mail or MilterCommandCode.EndOfHeaders
                or MilterCommandCode.OptionNegotiation or MilterCommandCode.Quit or MilterCommandCode.Recipient
                or MilterCommandCode.Data or MilterCommandCode.Unknown => code,
            _ => throw new MilterProtocolException($"Unknown command byte 0x{packet.Command:X2}."),
        };
    }

    /// <summary>Parses SMFIC_OPTNEG: version, actions, protocol flags (three big-endian uint32).</summary>
    /// <exception cref="MilterProtocolException">Fewer than 12 bytes of data.</exception>
    public static MilterOptionNegotiation ParseOptionNegotiation(in MilterPacket packet)
    {
        var reader = new SequenceReader<byte>(packet.Payload);
        var version = ReadUInt32(ref reader, "SMFIC_OPTNEG", "version");
        var actions = ReadUInt32(ref reader, "SMFIC_OPTNEG", "actions");
        var protocol = ReadUInt32(ref reader, "SMFIC_OPTNEG", "protocol flags");
        return new MilterOptionNegotiation(version, (MilterActions)actions, (MilterProtocolFlags)protocol);
    }

    /// <summary>Parses SMFIC_MACRO: the stage command byte, then <c>name\0value\0</c> pairs.</summary>
    /// <exception cref="MilterProtocolException">No stage byte, or a name or value without its NUL.</exception>
    public static MilterMacroCommand ParseMacro(in MilterPacket packet)
    {
        var reader = new SequenceReader<byte>(packet.Payload);
        if (!reader.TryRead(out var stage))
        {
            throw new MilterProtocolException("SMFIC_MACRO: the stage command byte is missing.");
        }

        var macros = new List<KeyValuePair<string, string>>();
        while (!reader.End)
        {
            var name = ReadString(ref reader, "SMFIC_MACRO", "macro name");
            var value = ReadString(ref reader, "SMFIC_MACRO", $"value of macro '{name}'");
            macros.Add(new KeyValuePair<string, string>(name, value));
        }

        return new MilterMacroCommand(stage, macros);
    }

    /// <summary>
    /// Parses SMFIC_CONNECT: host name, family, port (uint16, absent for family <c>U</c>) and address. An
    /// <c>IPv6:</c> prefix on the address is removed; for family <c>L</c> the address is the socket path.
    /// </summary>
    /// <exception cref="MilterProtocolException">A part is missing, the family is unknown, or the address is not an IP address.</exception>
    public static MilterConnectionInfo ParseConnect(in MilterPacket packet)
    {
        const string command = "SMFIC_CONNECT";
        var reader = new SequenceReader<byte>(packet.Payload);
        var hostName = ReadString(ref reader, command, "host name");
        if (!reader.TryRead(out var familyByte))
        {
            throw new MilterProtocolException($"{command}: the address family is missing.");
        }

        var family = (MilterAddressFamily)familyByte;
        if (family == MilterAddressFamily.Unknown)
        {
            return new MilterConnectionInfo(hostName, family, null, 0, null);
        }

        if (family is not (MilterAddressFamily.Inet or MilterAddressFamily.Inet6 or MilterAddressFamily.Unix))
        {
            throw new MilterProtocolException($"{command}: unknown address family 0x{familyByte:X2}.");
        }

        if (!reader.TryReadBigEndian(out short port))
        {
            throw new MilterProtocolException($"{command}: the port (2 bytes) is truncated.");
        }

        var address = ReadString(ref reader, command, "address");
        if (family == MilterAddressFamily.Unix)
        {
            return new MilterConnectionInfo(hostName, family, null, (ushort)port, address);
        }

        var text = address.StartsWith(IPv6Prefix, StringComparison.OrdinalIgnoreCase) ? address.AsSpan(IPv6Prefix.Length) : address.AsSpan();
        if (!IPAddress.TryParse(text, out var ip))
        {
            throw new MilterProtocolException($"{command}: '{address}' is not an IP address.");
        }

        return new MilterConnectionInfo(hostName, family, ip, (ushort)port, null);
    }

    /// <summary>Parses SMFIC_HELO: the HELO/EHLO argument.</summary>
    /// <exception cref="MilterProtocolException">The name has no NUL terminator.</exception>
    public static string ParseHelo(in MilterPacket packet)
    {
        var reader = new SequenceReader<byte>(packet.Payload);
        return ReadString(ref reader, "SMFIC_HELO", "HELO name");
    }

    /// <summary>
    /// Parses SMFIC_MAIL or SMFIC_RCPT: the address (angle brackets removed, so <c>&lt;&gt;</c> becomes empty)
    /// followed by ESMTP arguments.
    /// </summary>
    /// <exception cref="MilterProtocolException">The address or an argument has no NUL terminator.</exception>
    public static MilterEnvelopeAddress ParseEnvelopeAddress(in MilterPacket packet)
    {
        var command = packet.Command == (byte)MilterCommandCode.Mail ? "SMFIC_MAIL" : "SMFIC_RCPT";
        var reader = new SequenceReader<byte>(packet.Payload);
        var address = ReadString(ref reader, command, "address");
        if (address.Length >= 2 && address[0] == '<' && address[^1] == '>')
        {
            address = address[1..^1];
        }

        if (reader.End)
        {
            return new MilterEnvelopeAddress(address, []);
        }

        var parameters = new List<string>();
        while (!reader.End)
        {
            parameters.Add(ReadString(ref reader, command, "ESMTP argument"));
        }

        return new MilterEnvelopeAddress(address, parameters);
    }

    /// <summary>Parses SMFIC_HEADER: <c>name\0value\0</c>.</summary>
    /// <exception cref="MilterProtocolException">The name or value has no NUL terminator.</exception>
    public static MilterHeaderCommand ParseHeader(in MilterPacket packet)
    {
        var reader = new SequenceReader<byte>(packet.Payload);
        var name = ReadString(ref reader, "SMFIC_HEADER", "header name");
        var value = ReadString(ref reader, "SMFIC_HEADER", $"value of header '{name}'");
        return new MilterHeaderCommand(name, value);
    }

    /// <summary>Parses SMFIC_BODYEOB; its optional data is a final body chunk.</summary>
    public static MilterEndOfBodyCommand ParseEndOfBody(in MilterPacket packet) => new(packet.Payload);

    /// <summary>Parses SMFIC_UNKNOWN: the SMTP command line the MTA did not recognise.</summary>
    /// <exception cref="MilterProtocolException">The command has no NUL terminator.</exception>
    public static string ParseUnknown(in MilterPacket packet)
    {
        var reader = new SequenceReader<byte>(packet.Payload);
        return ReadString(ref reader, "SMFIC_UNKNOWN", "SMTP command");
    }

    /// <summary>Decodes wire bytes: UTF-8 when valid, otherwise Latin-1 (lossless, one char per byte).</summary>
    public static string DecodeString(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        return Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
    }

    private static uint ReadUInt32(ref SequenceReader<byte> reader, string command, string field)
    {
        if (!reader.TryReadBigEndian(out int value))
        {
            throw new MilterProtocolException($"{command}: the {field} (4 bytes) is truncated.");
        }

        return (uint)value;
    }

    private static string ReadString(ref SequenceReader<byte> reader, string command, string field)
    {
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, 0))
        {
            throw new MilterProtocolException($"{command}: the {field} is not NUL-terminated.");
        }

        if (bytes.IsSingleSegment)
        {
            return DecodeString(bytes.FirstSpan);
        }

        // The packet length was bounded by the frame reader, so this rental is bounded too.
        var length = (int)bytes.Length;
        if (length <= StackDecodeLimit)
        {
            Span<byte> copy = stackalloc byte[length];
            bytes.CopyTo(copy);
            return DecodeString(copy);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            bytes.CopyTo(rented);
            return DecodeString(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
