using System.Buffers;
using Milter.Protocol.Codec;
using Milter.Protocol.Handling;
using Milter.Protocol.Tests.TestSupport;

namespace Milter.Protocol.Tests.Codec;

public class MilterReplyWriterTests
{
    [TestCase(MilterReplyCode.Continue)]
    [TestCase(MilterReplyCode.Accept)]
    [TestCase(MilterReplyCode.Reject)]
    [TestCase(MilterReplyCode.Tempfail)]
    [TestCase(MilterReplyCode.Discard)]
    [TestCase(MilterReplyCode.Skip)]
    [TestCase(MilterReplyCode.Progress)]
    [TestCase(MilterReplyCode.Shutdown)]
    [TestCase(MilterReplyCode.ConnectionFailure)]
    public void WriteCode_DatalessReply_WritesLengthOneAndTheCode(MilterReplyCode code)
    {
        Assert.That(Write(w => MilterReplyWriter.WriteCode(w, code)), Is.EqualTo(new byte[] { 0, 0, 0, 1, (byte)code }));
    }

    [TestCase(MilterReplyCode.AddHeader)]
    [TestCase(MilterReplyCode.ReplyCode)]
    [TestCase(MilterReplyCode.OptionNegotiation)]
    public void WriteCode_ReplyWithData_Throws(MilterReplyCode code)
    {
        Assert.Throws<ArgumentException>(() => MilterReplyWriter.WriteCode(new ArrayBufferWriter<byte>(), code));
    }

    [Test]
    public void WriteDecision_EachKind_WritesItsCode()
    {
        var kinds = new[] { MilterDecision.Continue, MilterDecision.Accept, MilterDecision.Reject, MilterDecision.Tempfail, MilterDecision.Discard, MilterDecision.Skip };

        var codes = kinds.Select(d => (char)Write(w => MilterReplyWriter.WriteDecision(w, d))[4]);

        Assert.That(string.Concat(codes), Is.EqualTo("cartds"));
    }

    [Test]
    public void WriteDecision_Reply_WritesReplyCode()
    {
        var bytes = Write(w => MilterReplyWriter.WriteDecision(w, MilterDecision.Reply("550", "5.7.1", "no")));

        Assert.That(bytes, Is.EqualTo(Wire.Packet('y', Wire.Str("550 5.7.1 no"))));
    }

    [Test]
    public void WriteReplyCode_Percent_IsDoubled()
    {
        var bytes = Write(w => MilterReplyWriter.WriteReplyCode(w, "451", "4.7.1", "100% full, 50%% off"));

        Assert.That(bytes, Is.EqualTo(Wire.Packet('y', Wire.Str("451 4.7.1 100%% full, 50%%%% off"))));
    }

    [TestCase("250")]
    [TestCase("55")]
    public void WriteReplyCode_NotFourOrFiveHundred_Throws(string code)
    {
        Assert.Throws<ArgumentException>(() => MilterReplyWriter.WriteReplyCode(new ArrayBufferWriter<byte>(), code, "5.0.0", "x"));
    }

    [Test]
    public void WriteReplyCode_NulInText_ThrowsAndWritesNothing()
    {
        var writer = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => MilterReplyWriter.WriteReplyCode(writer, "550", "5.0.0", "a\0b"));
        Assert.That(writer.WrittenCount, Is.Zero);
    }

    [Test]
    public void WriteAddHeader_NameValue_WritesThem()
    {
        Assert.That(Write(w => MilterReplyWriter.WriteAddHeader(w, "X-Test", "v ü")), Is.EqualTo(Wire.Packet('h', Wire.Str("X-Test"), Wire.Str("v ü"))));
    }

    [Test]
    public void WriteInsertHeader_Index_WritesIndexFirst()
    {
        var bytes = Write(w => MilterReplyWriter.WriteInsertHeader(w, 0, "Authentication-Results", "mx; none"));

        Assert.That(bytes, Is.EqualTo(Wire.Packet('i', Wire.U32(0), Wire.Str("Authentication-Results"), Wire.Str("mx; none"))));
    }

    [Test]
    public void WriteInsertHeader_NegativeIndex_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MilterReplyWriter.WriteInsertHeader(new ArrayBufferWriter<byte>(), -1, "X", "y"));
    }

    [Test]
    public void WriteChangeHeader_EmptyValue_WritesADeletion()
    {
        Assert.That(Write(w => MilterReplyWriter.WriteChangeHeader(w, 2, "Received", string.Empty)), Is.EqualTo(Wire.Packet('m', Wire.U32(2), Wire.Str("Received"), Wire.Str(""))));
    }

    [Test]
    public void WriteChangeHeader_OccurrenceZero_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MilterReplyWriter.WriteChangeHeader(new ArrayBufferWriter<byte>(), 0, "X", "y"));
    }

    [Test]
    public void WriteChangeFrom_WithAndWithoutParameters_WritesStrings()
    {
        Assert.That(Write(w => MilterReplyWriter.WriteChangeFrom(w, "<a@b>", null)), Is.EqualTo(Wire.Packet('e', Wire.Str("<a@b>"))));
        Assert.That(Write(w => MilterReplyWriter.WriteChangeFrom(w, "<a@b>", "SIZE=1")), Is.EqualTo(Wire.Packet('e', Wire.Str("<a@b>"), Wire.Str("SIZE=1"))));
    }

    [Test]
    public void WriteRecipientChanges_WriteTheirCodes()
    {
        Assert.That(Write(w => MilterReplyWriter.WriteAddRecipient(w, "<c@d>")), Is.EqualTo(Wire.Packet('+', Wire.Str("<c@d>"))));
        Assert.That(Write(w => MilterReplyWriter.WriteAddRecipientWithParameters(w, "<c@d>", "NOTIFY=NEVER")), Is.EqualTo(Wire.Packet('2', Wire.Str("<c@d>"), Wire.Str("NOTIFY=NEVER"))));
        Assert.That(Write(w => MilterReplyWriter.WriteDeleteRecipient(w, "<c@d>")), Is.EqualTo(Wire.Packet('-', Wire.Str("<c@d>"))));
    }

    [Test]
    public void WriteQuarantine_Reason_WritesIt()
    {
        Assert.That(Write(w => MilterReplyWriter.WriteQuarantine(w, "dmarc policy")), Is.EqualTo(Wire.Packet('q', Wire.Str("dmarc policy"))));
    }

    [Test]
    public void WriteReplaceBody_Chunk_WritesRawBytes()
    {
        Assert.That(Write(w => MilterReplyWriter.WriteReplaceBody(w, "a\r\nb"u8)), Is.EqualTo(Wire.Packet('b', "a\r\nb"u8.ToArray())));
    }

    [Test]
    public void WriteReplaceBody_TooLarge_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MilterReplyWriter.WriteReplaceBody(new ArrayBufferWriter<byte>(), new byte[MilterReplyWriter.MaxReplaceBodyChunk + 1]));
    }

    [Test]
    public void WriteOptionNegotiation_WithoutMacros_WritesThreeIntegers()
    {
        var bytes = Write(w => MilterReplyWriter.WriteOptionNegotiation(w, new MilterOptionNegotiation(6, MilterActions.AddHeaders, MilterProtocolFlags.NoBody), null));

        Assert.That(bytes, Is.EqualTo(Wire.Packet('O', Wire.U32(6), Wire.U32(1), Wire.U32(0x10))));
    }

    [Test]
    public void WriteOptionNegotiation_WithMacros_AppendsListsInStageOrder()
    {
        var macros = new Dictionary<MacroStage, IReadOnlyList<string>>
        {
            [MacroStage.EndOfMessage] = ["i"],
            [MacroStage.Connect] = ["j", "{daemon_name}"],
        };

        var bytes = Write(w => MilterReplyWriter.WriteOptionNegotiation(w, new MilterOptionNegotiation(6, MilterActions.SetSymbolList, 0), macros));

        Assert.That(bytes, Is.EqualTo(Wire.Packet('O', Wire.U32(6), Wire.U32(0x100), Wire.U32(0), Wire.U32(0), Wire.Str("j {daemon_name}"), Wire.U32(5), Wire.Str("i"))));
    }

    [Test]
    public void WriteOptionNegotiation_MacroNameWithSpace_Throws()
    {
        var macros = new Dictionary<MacroStage, IReadOnlyList<string>> { [MacroStage.Connect] = ["a b"] };

        Assert.Throws<ArgumentException>(() => MilterReplyWriter.WriteOptionNegotiation(new ArrayBufferWriter<byte>(), new MilterOptionNegotiation(6, 0, 0), macros));
    }

    [Test]
    public void WriteAddHeader_NulInValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => MilterReplyWriter.WriteAddHeader(new ArrayBufferWriter<byte>(), "X", "a\0"));
    }

    private static byte[] Write(Action<IBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>(1);
        write(writer);
        return writer.WrittenSpan.ToArray();
    }
}
