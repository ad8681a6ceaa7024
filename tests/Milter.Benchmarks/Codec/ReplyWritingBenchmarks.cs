using System.Buffers;
using BenchmarkDotNet.Attributes;
using Milter.Protocol;
using Milter.Protocol.Codec;
using Milter.Protocol.Handling;

namespace Milter.Benchmarks.Codec;

/// <summary>The replies a filtering milter writes most: stage verdicts, the Authentication-Results insert, option negotiation.</summary>
[MemoryDiagnoser]
public class ReplyWritingBenchmarks
{
    private const string AuthenticationResults =
        " mx.example.test;\r\n\tdkim=pass header.d=lists.example.org header.s=sel2025 header.b=dGhpcyBp;\r\n"
        + "\tspf=pass (mx.example.test: domain of newsletter@lists.example.org designates 203.0.113.25 as permitted sender)"
        + " smtp.mailfrom=newsletter@lists.example.org;\r\n\tdmarc=pass (p=reject dis=none) header.from=lists.example.org";

    private static readonly MilterDecision RejectWithText = MilterDecision.Reply("550", "5.7.1", "Message rejected: DMARC policy of lists.example.org is reject (100% of mail)");

    private static readonly MilterOptionNegotiation Negotiated = new(
        6,
        MilterActions.AddHeaders | MilterActions.ChangeHeaders | MilterActions.Quarantine | MilterActions.SetSymbolList,
        MilterProtocolFlags.NoUnknown | MilterProtocolFlags.NoReplyHeader | MilterProtocolFlags.HeaderLeadingSpace | MilterProtocolFlags.Skip);

    private static readonly Dictionary<MacroStage, IReadOnlyList<string>> Macros = new()
    {
        [MacroStage.Connect] = ["j", "{daemon_name}", "{client_addr}", "{client_name}", "{if_addr}"],
        [MacroStage.Helo] = ["{tls_version}", "{cipher}", "{cert_subject}"],
        [MacroStage.MailFrom] = ["i", "{auth_type}", "{auth_authen}"],
        [MacroStage.EndOfMessage] = ["i"],
    };

    private readonly ArrayBufferWriter<byte> _output = new(4096);

    [Benchmark(Baseline = true)]
    public int Continue()
    {
        _output.ResetWrittenCount();
        MilterReplyWriter.WriteDecision(_output, MilterDecision.Continue);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int ReplyCode()
    {
        _output.ResetWrittenCount();
        MilterReplyWriter.WriteDecision(_output, RejectWithText);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int InsertHeader()
    {
        _output.ResetWrittenCount();
        MilterReplyWriter.WriteInsertHeader(_output, 0, "Authentication-Results", AuthenticationResults);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int OptionNegotiationWithMacros()
    {
        _output.ResetWrittenCount();
        MilterReplyWriter.WriteOptionNegotiation(_output, Negotiated, Macros);
        return _output.WrittenCount;
    }
}
