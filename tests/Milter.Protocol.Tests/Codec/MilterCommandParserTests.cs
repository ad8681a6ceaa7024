using System.Buffers;
using System.Net;
using System.Text;
using Milter.Protocol.Codec;
using Milter.Protocol.Handling;
using Milter.Protocol.Tests.TestSupport;

namespace Milter.Protocol.Tests.Codec;

public class MilterCommandParserTests
{
    [Test]
    public void ParseOptionNegotiation_ThreeIntegers_ReturnsThem()
    {
        var offer = MilterCommandParser.ParseOptionNegotiation(Read(Wire.OptNeg(6, MilterActions.AddHeaders, MilterProtocolFlags.Skip)));

        Assert.That(offer, Is.EqualTo(new MilterOptionNegotiation(6, MilterActions.AddHeaders, MilterProtocolFlags.Skip)));
    }

    [Test]
    public void ParseOptionNegotiation_ShortInteger_ThrowsNamingTheField()
    {
        var packet = Read(Wire.Packet('O', Wire.U32(6), Wire.U32(1), [0, 0]));

        var exception = Assert.Throws<MilterProtocolException>(() => MilterCommandParser.ParseOptionNegotiation(packet));

        Assert.That(exception!.Message, Is.EqualTo("SMFIC_OPTNEG: the protocol flags (4 bytes) is truncated."));
    }

    [Test]
    public void ParseMacro_StageAndPairs_ReturnsThemInOrder()
    {
        var command = MilterCommandParser.ParseMacro(Read(Wire.Macro('C', ("j", "mx.example"), ("{daemon_name}", "smtpd"))));

        Assert.That(command.Stage, Is.EqualTo((byte)'C'));
        Assert.That(command.Macros, Is.EqualTo(new[] { KeyValuePair.Create("j", "mx.example"), KeyValuePair.Create("{daemon_name}", "smtpd") }));
    }

    [Test]
    public void ParseMacro_NoStage_Throws()
    {
        Assert.Throws<MilterProtocolException>(() => MilterCommandParser.ParseMacro(Read(Wire.Packet('D'))));
    }

    [Test]
    public void ParseMacro_ValueWithoutNul_ThrowsNamingTheMacro()
    {
        var packet = Read(Wire.Packet('D', [(byte)'C'], Wire.Str("j"), "mx"u8.ToArray()));

        var exception = Assert.Throws<MilterProtocolException>(() => MilterCommandParser.ParseMacro(packet));

        Assert.That(exception!.Message, Is.EqualTo("SMFIC_MACRO: the value of macro 'j' is not NUL-terminated."));
    }

    [Test]
    public void ParseConnect_Inet_ReturnsHostAddressAndPort()
    {
        var info = MilterCommandParser.ParseConnect(Read(Wire.Connect("client.example", '4', 25025, "192.0.2.1")));

        Assert.That(info, Is.EqualTo(new MilterConnectionInfo("client.example", MilterAddressFamily.Inet, IPAddress.Parse("192.0.2.1"), 25025, null)));
    }

    [Test]
    public void ParseConnect_Inet6WithPrefix_StripsThePrefix()
    {
        var info = MilterCommandParser.ParseConnect(Read(Wire.Connect("[2001:db8::1]", '6', 1, "IPv6:2001:db8::1")));

        Assert.That(info.Family, Is.EqualTo(MilterAddressFamily.Inet6));
        Assert.That(info.Address, Is.EqualTo(IPAddress.Parse("2001:db8::1")));
    }

    [Test]
    public void ParseConnect_Unix_ReturnsThePath()
    {
        var info = MilterCommandParser.ParseConnect(Read(Wire.Connect("localhost", 'L', 0, "/run/smtp.sock")));

        Assert.That(info, Is.EqualTo(new MilterConnectionInfo("localhost", MilterAddressFamily.Unix, null, 0, "/run/smtp.sock")));
    }

    [Test]
    public void ParseConnect_UnknownFamily_HasNoPortOrAddress()
    {
        var info = MilterCommandParser.ParseConnect(Read(Wire.Connect("unknown", 'U')));

        Assert.That(info, Is.EqualTo(new MilterConnectionInfo("unknown", MilterAddressFamily.Unknown, null, 0, null)));
    }

    [TestCase("C", "SMFIC_CONNECT: the address family is missing.")]
    [TestCase("C4\u0001", "SMFIC_CONNECT: the port (2 bytes) is truncated.")]
    [TestCase("C4\u0001\u0002192.0.2.1", "SMFIC_CONNECT: the address is not NUL-terminated.")]
    [TestCase("Cx\u0001\u0002192.0.2.1\0", "SMFIC_CONNECT: unknown address family 0x78.")]
    [TestCase("C4\u0001\u0002not-an-ip\0", "SMFIC_CONNECT: 'not-an-ip' is not an IP address.")]
    public void ParseConnect_Malformed_ThrowsPreciseMessage(string afterHost, string message)
    {
        var packet = Read(Wire.Packet('C', Wire.Str("host"), Encoding.Latin1.GetBytes(afterHost[1..])));

        var exception = Assert.Throws<MilterProtocolException>(() => MilterCommandParser.ParseConnect(packet));

        Assert.That(exception!.Message, Is.EqualTo(message));
    }

    [Test]
    public void ParseConnect_HostWithoutNul_Throws()
    {
        Assert.Throws<MilterProtocolException>(() => MilterCommandParser.ParseConnect(Read(Wire.Packet('C', "host"u8.ToArray()))));
    }

    [Test]
    public void ParseHelo_Name_ReturnsIt()
    {
        Assert.That(MilterCommandParser.ParseHelo(Read(Wire.Helo("mx.example"))), Is.EqualTo("mx.example"));
    }

    [Test]
    public void ParseHelo_Empty_Throws()
    {
        Assert.Throws<MilterProtocolException>(() => MilterCommandParser.ParseHelo(Read(Wire.Packet('H'))));
    }

    [Test]
    public void ParseEnvelopeAddress_MailWithArguments_StripsBracketsAndKeepsArguments()
    {
        var sender = MilterCommandParser.ParseEnvelopeAddress(Read(Wire.Mail("<a@example.org>", "SIZE=1024", "BODY=8BITMIME")));

        Assert.That(sender.Address, Is.EqualTo("a@example.org"));
        Assert.That(sender.Parameters, Is.EqualTo(new[] { "SIZE=1024", "BODY=8BITMIME" }));
    }

    [Test]
    public void ParseEnvelopeAddress_NullSender_IsEmpty()
    {
        var sender = MilterCommandParser.ParseEnvelopeAddress(Read(Wire.Mail("<>")));

        Assert.That(sender.IsNull, Is.True);
        Assert.That(sender.Parameters, Is.Empty);
    }

    [Test]
    public void ParseEnvelopeAddress_RcptArgumentWithoutNul_ThrowsNamingRcpt()
    {
        var packet = Read(Wire.Packet('R', Wire.Str("<b@example.test>"), "NOTIFY=NEVER"u8.ToArray()));

        var exception = Assert.Throws<MilterProtocolException>(() => MilterCommandParser.ParseEnvelopeAddress(packet));

        Assert.That(exception!.Message, Is.EqualTo("SMFIC_RCPT: the ESMTP argument is not NUL-terminated."));
    }

    [Test]
    public void ParseHeader_NameAndValue_KeepsLeadingSpaceAndFolding()
    {
        var header = MilterCommandParser.ParseHeader(Read(Wire.Header("Subject", " hello\r\n world")));

        Assert.That(header, Is.EqualTo(new MilterHeaderCommand("Subject", " hello\r\n world")));
    }

    [Test]
    public void ParseHeader_ValueWithoutNul_Throws()
    {
        var packet = Read(Wire.Packet('L', Wire.Str("Subject"), "x"u8.ToArray()));

        var exception = Assert.Throws<MilterProtocolException>(() => MilterCommandParser.ParseHeader(packet));

        Assert.That(exception!.Message, Is.EqualTo("SMFIC_HEADER: the value of header 'Subject' is not NUL-terminated."));
    }

    [Test]
    public void ParseHeader_Utf8Value_DecodesUtf8()
    {
        var header = MilterCommandParser.ParseHeader(Read(Wire.Header("Subject", "Grüße")));

        Assert.That(header.Value, Is.EqualTo("Grüße"));
    }

    [Test]
    public void ParseHeader_Raw8BitValue_DecodesLatin1WithoutLosingBytes()
    {
        byte[] raw = [(byte)'a', 0xE9, 0xFF, (byte)'z'];
        var header = MilterCommandParser.ParseHeader(Read(Wire.Packet('L', Wire.Str("X"), [.. raw, 0])));

        Assert.That(Encoding.Latin1.GetBytes(header.Value), Is.EqualTo(raw));
    }

    [Test]
    public void ParseHeader_SplitAcrossSegmentsAtEveryPoint_DecodesTheSame()
    {
        var value = "Grüße " + new string('x', 300);
        var bytes = Wire.Header("Subject", value);
        for (var at = 5; at < bytes.Length; at++)
        {
            var buffer = Segments.Split(bytes, at);
            MilterFrameReader.TryReadPacket(ref buffer, 4096, out var packet);

            Assert.That(MilterCommandParser.ParseHeader(packet).Value, Is.EqualTo(value), $"split at {at}");
        }
    }

    [Test]
    public void ParseEndOfBody_Empty_HasNoFinalChunk()
    {
        Assert.That(MilterCommandParser.ParseEndOfBody(Read(Wire.Eob())).FinalChunk.IsEmpty, Is.True);
    }

    [Test]
    public void ParseEndOfBody_WithData_ReturnsItAsFinalChunk()
    {
        var command = MilterCommandParser.ParseEndOfBody(Read(Wire.Packet('E', "tail"u8.ToArray())));

        Assert.That(command.FinalChunk.ToArray(), Is.EqualTo("tail"u8.ToArray()));
    }

    [Test]
    public void ParseUnknown_Command_ReturnsIt()
    {
        Assert.That(MilterCommandParser.ParseUnknown(Read(Wire.Unknown("XFOO bar"))), Is.EqualTo("XFOO bar"));
    }

    [TestCase('A')]
    [TestCase('B')]
    [TestCase('C')]
    [TestCase('D')]
    [TestCase('E')]
    [TestCase('H')]
    [TestCase('K')]
    [TestCase('L')]
    [TestCase('M')]
    [TestCase('N')]
    [TestCase('O')]
    [TestCase('Q')]
    [TestCase('R')]
    [TestCase('T')]
    [TestCase('U')]
    public void GetCommand_KnownByte_ReturnsIt(char command)
    {
        Assert.That(MilterCommandParser.GetCommand(Read(Wire.Packet(command))), Is.EqualTo((MilterCommandCode)command));
    }

    [TestCase('Z')]
    [TestCase('c')]
    [TestCase('\0')]
    public void GetCommand_UnknownByte_Throws(char command)
    {
        var exception = Assert.Throws<MilterProtocolException>(() => MilterCommandParser.GetCommand(Read(Wire.Packet(command))));

        Assert.That(exception!.Message, Is.EqualTo($"Unknown command byte 0x{(byte)command:X2}."));
    }

    private static MilterPacket Read(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.That(MilterFrameReader.TryReadPacket(ref buffer, 1 << 20, out var packet), Is.True);
        return packet;
    }
}
