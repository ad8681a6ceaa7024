using System.Buffers.Binary;
using System.Text;

namespace Milter.Protocol.Tests.TestSupport;

/// <summary>Test-only MTA-side encoder and reply decoder, written independently of the engine's codec.</summary>
internal static class Wire
{
    public static byte[] Packet(char command, params byte[][] parts)
    {
        var length = 1 + parts.Sum(p => p.Length);
        var packet = new byte[4 + length];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)length);
        packet[4] = (byte)command;
        var position = 5;
        foreach (var part in parts)
        {
            part.CopyTo(packet, position);
            position += part.Length;
        }

        return packet;
    }

    public static byte[] Str(string value) => [.. Encoding.UTF8.GetBytes(value), 0];

    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Concat(params byte[][] packets) => [.. packets.SelectMany(p => p)];

    public static byte[] OptNeg(uint version = 6, MilterActions actions = (MilterActions)0x1FF, MilterProtocolFlags protocol = (MilterProtocolFlags)0x301FFFFF) =>
        Packet('O', U32(version), U32((uint)actions), U32((uint)protocol));

    public static byte[] Macro(char stage, params (string Name, string Value)[] macros) =>
        Packet('D', [[(byte)stage], .. macros.SelectMany(m => new[] { Str(m.Name), Str(m.Value) })]);

    public static byte[] Connect(string host = "client.example", char family = '4', ushort port = 4242, string address = "192.0.2.1") =>
        family == 'U' ? Packet('C', Str(host), [(byte)family]) : Packet('C', Str(host), [(byte)family], U16(port), Str(address));

    public static byte[] Helo(string name = "client.example") => Packet('H', Str(name));

    public static byte[] Mail(string address, params string[] args) => Packet('M', [Str(address), .. args.Select(Str)]);

    public static byte[] Rcpt(string address, params string[] args) => Packet('R', [Str(address), .. args.Select(Str)]);

    public static byte[] Data() => Packet('T');

    public static byte[] Header(string name, string value) => Packet('L', Str(name), Str(value));

    public static byte[] Eoh() => Packet('N');

    public static byte[] Body(string text) => Packet('B', Encoding.ASCII.GetBytes(text));

    public static byte[] Eob() => Packet('E');

    public static byte[] Abort() => Packet('A');

    public static byte[] Quit() => Packet('Q');

    public static byte[] QuitNc() => Packet('K');

    public static byte[] Unknown(string command) => Packet('U', Str(command));

    /// <summary>A whole message as Postfix sends it: MAIL, RCPT, DATA, headers, EOH, body, EOM.</summary>
    public static byte[] Message(string sender = "<a@example.org>", string recipient = "<b@example.test>", string body = "Hello\r\n") => Concat(
        Mail(sender), Rcpt(recipient), Data(), Header("From", "a@example.org"), Header("Subject", "hi"), Eoh(), Body(body), Eob());

    /// <summary>Splits milter replies (length, code, data) from a byte stream.</summary>
    public static List<Reply> ParseReplies(ReadOnlySpan<byte> bytes)
    {
        var replies = new List<Reply>();
        while (bytes.Length >= 4)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes);
            if (bytes.Length < 4 + length)
            {
                throw new InvalidOperationException("Truncated reply.");
            }

            replies.Add(new Reply((char)bytes[4], bytes.Slice(5, length - 1).ToArray()));
            bytes = bytes[(4 + length)..];
        }

        if (!bytes.IsEmpty)
        {
            throw new InvalidOperationException("Trailing reply bytes.");
        }

        return replies;
    }
}

/// <summary>One decoded reply.</summary>
internal sealed record Reply(char Code, byte[] Data)
{
    /// <summary>The data's NUL-terminated strings.</summary>
    public string[] Strings(int skip = 0)
    {
        var text = Encoding.UTF8.GetString(Data, skip, Data.Length - skip);
        return (text.EndsWith('\0') ? text[..^1] : text).Split('\0');
    }

    public uint UInt32(int offset) => BinaryPrimitives.ReadUInt32BigEndian(Data.AsSpan(offset));

    public override string ToString() => Data.Length == 0 || Code == 'O' ? Code.ToString() : $"{Code}:{string.Join("|", Strings(Code is 'i' or 'm' ? 4 : 0))}";
}
