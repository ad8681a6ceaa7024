using Milter.Protocol.Handling;
using Milter.Protocol.Session;
using Milter.Protocol.Tests.TestSupport;

namespace Milter.Protocol.Tests.Session;

public class MilterConnectionTests
{
    private const MilterActions AllActions = (MilterActions)0x1FF;
    private const MilterProtocolFlags AllOffered = (MilterProtocolFlags)0x301FFFFF;

    private static readonly byte[] Start = Wire.Concat(Wire.OptNeg(), Wire.Macro('C', ("j", "mx.example")), Wire.Connect(), Wire.Helo());

    [Test]
    public async Task RunAsync_FullMessage_AnswersEveryStageAndCallsTheHandlerInOrder()
    {
        var handler = new RecordingHandler();

        var (replies, flushes) = await ConnectionHarness.TranscriptWithFlushesAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Occcccccccc"));
        Assert.That(flushes, Is.EqualTo(replies.Count), "one flush per answered command");
        Assert.That(handler.Calls, Is.EqualTo(new[]
        {
            "connect:client.example/192.0.2.1:4242", "helo:client.example", "mail:a@example.org", "rcpt:b@example.test", "data",
            "header:From=a@example.org", "header:Subject=hi", "eoh", "body:Hello\r\n", "eom:helo=client.example,rcpts=1,headers=2",
            "message-reset", "connection-reset",
        }));
    }

    [Test]
    public async Task RunAsync_OptionNegotiation_AnswersWithTheNegotiatedFields()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None, actions: MilterActions.AddHeaders);

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Wire.OptNeg(6, MilterActions.AddHeaders | MilterActions.ChangeBody, AllOffered), Wire.Quit()));

        var expected = MilterNegotiator.Negotiate(new(6, MilterActions.AddHeaders | MilterActions.ChangeBody, AllOffered), handler.Requirements, new MilterSessionOptions().MaxPacketLength).Reply;
        Assert.That(replies.Single().Code, Is.EqualTo('O'));
        Assert.That((replies[0].UInt32(0), replies[0].UInt32(4), replies[0].UInt32(8)), Is.EqualTo((6u, 1u, (uint)expected.Protocol)));
    }

    [Test]
    public async Task RunAsync_TwoMessagesOnOneConnection_ResetsBetweenThem()
    {
        var handler = new RecordingHandler();

        await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Message("<c@example.org>"), Wire.Quit()));

        Assert.That(handler.Calls.Count(c => c == "message-reset"), Is.EqualTo(2));
        Assert.That(handler.Calls.Count(c => c.StartsWith("eom:", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(handler.Calls, Does.Contain("mail:c@example.org"));
        Assert.That(handler.MessageCountAtEndOfMessage, Is.EqualTo(2));
    }

    [Test]
    public async Task RunAsync_AbortMidMessage_ResetsTheMessageWithoutReplying()
    {
        var handler = new RecordingHandler();
        var bytes = Wire.Concat(Start, Wire.Mail("<a@example.org>"), Wire.Rcpt("<b@example.test>"), Wire.Abort(), Wire.Mail("<c@example.org>"), Wire.Rcpt("<d@example.test>"), Wire.Data(), Wire.Eoh(), Wire.Eob(), Wire.Quit());

        var replies = await ConnectionHarness.TranscriptAsync(handler, bytes);

        Assert.That(Codes(replies), Is.EqualTo("Occ" + "cc" + "ccccc"));
        Assert.That(handler.Calls.SkipWhile(c => c != "rcpt:b@example.test").Take(3), Is.EqualTo(new[] { "rcpt:b@example.test", "message-reset", "mail:c@example.org" }));
        Assert.That(handler.Calls, Does.Contain("eom:helo=client.example,rcpts=1,headers=0"));
    }

    [Test]
    public async Task RunAsync_QuitNewConnection_StartsTheNextSessionWithClearedState()
    {
        var handler = new RecordingHandler(stages: MilterStages.All & ~MilterStages.Helo);
        var bytes = Wire.Concat(Start, Wire.Message(), Wire.QuitNc(), Wire.Connect("second.example", '6', 1, "IPv6:2001:db8::1"), Wire.Mail("<x@example.org>"), Wire.Eob(), Wire.Quit());

        var replies = await ConnectionHarness.TranscriptAsync(handler, bytes);

        Assert.That(replies[^1].Code, Is.EqualTo('c'));
        var afterQuit = handler.Calls.SkipWhile(c => c != "connection-reset").ToList();
        Assert.That(afterQuit, Is.EqualTo(new[]
        {
            "connection-reset", "connect:second.example/2001:db8::1:1", "mail:x@example.org", "eom:helo=,rcpts=0,headers=0", "message-reset", "connection-reset",
        }));
        Assert.That(handler.MacrosAtEndOfMessage, Does.Not.ContainKey("j"));
    }

    [Test]
    public async Task RunAsync_Macros_MessageMacrosClearedAtMessageEndConnectionMacrosKept()
    {
        var handler = new RecordingHandler();
        var first = Wire.Concat(Wire.Macro('M', ("{mail_addr}", "a@example.org"), ("j", "shadowed")), Wire.Mail("<a@example.org>"), Wire.Macro('E', ("i", "QID1")), Wire.Eob());
        var second = Wire.Concat(Wire.Mail("<b@example.org>"), Wire.Eob());
        var snapshots = new List<Dictionary<string, string>>();
        handler.EndOfMessage = (context, _, _) =>
        {
            snapshots.Add(new Dictionary<string, string>(context.Macros));
            return ValueTask.FromResult(MilterMessageResult.ContinueUnchanged);
        };

        await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, first, second, Wire.Quit()));

        Assert.That(snapshots[0], Is.EquivalentTo(new Dictionary<string, string> { ["j"] = "shadowed", ["{mail_addr}"] = "a@example.org", ["i"] = "QID1" }));
        Assert.That(snapshots[1], Is.EquivalentTo(new Dictionary<string, string> { ["j"] = "mx.example" }));
    }

    [Test]
    public async Task RunAsync_NoReplyStages_AreNotAnswered()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None);

        var (replies, flushes) = await ConnectionHarness.TranscriptWithFlushesAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Oc"));
        Assert.That(flushes, Is.EqualTo(2));
        Assert.That(handler.Calls, Has.Count.EqualTo(12));
    }

    [Test]
    public async Task RunAsync_DecisionAtNoReplyStage_IsHeldAndDeliveredAtTheNextAnsweredStage()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.EndOfHeaders);
        handler.Decisions[MilterStages.Header] = MilterDecision.Reply("550", "5.7.1", "bad header");

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Message("<next@example.org>"), Wire.Quit()));

        Assert.That(replies.Select(r => r.ToString()), Is.EqualTo(new[] { "O", "y:550 5.7.1 bad header", "c", "y:550 5.7.1 bad header", "c" }));
        Assert.That(handler.Calls.Take(6), Is.EqualTo(new[]
        {
            "connect:client.example/192.0.2.1:4242", "helo:client.example", "mail:a@example.org", "rcpt:b@example.test", "data", "header:From=a@example.org",
        }));
        Assert.That(handler.Calls[6], Is.EqualTo("message-reset"), "no callbacks after the held decision");
    }

    [Test]
    public async Task RunAsync_DecisionHeldUntilEndOfMessage_ReplacesTheEndOfMessageCall()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None);
        handler.Decisions[MilterStages.Body] = MilterDecision.Discard;

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Od"));
        Assert.That(handler.Calls, Has.None.StartsWith("eom"));
    }

    [Test]
    public async Task RunAsync_RejectAtConnect_CoversTheWholeSession()
    {
        var handler = new RecordingHandler();
        handler.Decisions[MilterStages.Connect] = MilterDecision.Reject;

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Mail("<a@example.org>"), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Orrr"));
        Assert.That(handler.Calls, Is.EqualTo(new[] { "connect:client.example/192.0.2.1:4242", "connection-reset" }));
    }

    [Test]
    public async Task RunAsync_RejectAtRecipient_RefusesOnlyThatRecipient()
    {
        var handler = new RecordingHandler();
        handler.Decisions[MilterStages.Recipient] = MilterDecision.Tempfail;

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Occctcccccc"));
        Assert.That(handler.Calls, Does.Contain("eom:helo=client.example,rcpts=0,headers=2"));
    }

    [Test]
    public async Task RunAsync_AcceptAtMail_EndsTheMessage()
    {
        var handler = new RecordingHandler();
        handler.Decisions[MilterStages.MailFrom] = MilterDecision.Accept;

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Mail("<a@example.org>"), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Occa"));
        Assert.That(handler.Calls[^2..], Is.EqualTo(new[] { "message-reset", "connection-reset" }));
    }

    [Test]
    public async Task RunAsync_HandlerThrows_RepliesTempfailAndTheConnectionContinues()
    {
        var handler = new RecordingHandler { ThrowAt = MilterStages.MailFrom };

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Mail("<a@example.org>"), Wire.Helo("again"), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Occtc"));
        Assert.That(handler.Calls, Does.Contain("helo:again"));
    }

    [Test]
    public async Task RunAsync_HandlerThrowsWithCustomOnError_RepliesIt()
    {
        var handler = new RecordingHandler { ThrowAt = MilterStages.Helo };

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Quit()), new MilterSessionOptions { OnError = MilterDecision.Accept });

        Assert.That(Codes(replies), Is.EqualTo("Oca"));
    }

    [Test]
    public async Task RunAsync_EndOfMessageThrows_RepliesTempfailWithoutModifications()
    {
        var handler = new RecordingHandler { ThrowAtEndOfMessage = true };

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Message(), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Occ" + "ccccccct" + "ccccccct"));
    }

    [Test]
    public async Task RunAsync_EndOfMessageWithChanges_WritesChangesQuarantineAndVerdictInOneFlush()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None)
        {
            EndOfMessage = (_, _, _) => ValueTask.FromResult(new MilterMessageResult { Decision = MilterDecision.Reply("451", "4.7.1", "try 100% later") }
                .AddHeaderChange(new HeaderChange.Insert(0, "Authentication-Results", "mx.example; spf=pass"))
                .AddHeaderChange(new HeaderChange.Delete("Authentication-Results", 1))
                .AddHeaderChange(new HeaderChange.Change("Subject", 1, "[spam] hi"))
                .AddHeaderChange(new HeaderChange.Delete("authentication-results", 3))
                .AddHeaderChange(new HeaderChange.Add("X-Checked", "yes"))
                .AddHeaderChange(new HeaderChange.Delete("Authentication-Results", 2))
                .Quarantine("dmarc reject")),
        };

        var (replies, flushes) = await ConnectionHarness.TranscriptWithFlushesAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Quit()));

        Assert.That(replies.Skip(1).Select(r => r.ToString()), Is.EqualTo(new[]
        {
            "i:Authentication-Results| mx.example; spf=pass", "m:authentication-results|", "m:Subject| [spam] hi", "m:Authentication-Results|",
            "h:X-Checked| yes", "m:Authentication-Results|", "q:dmarc reject", "y:451 4.7.1 try 100%% later",
        }));
        Assert.That(new[] { replies[2].UInt32(0), replies[4].UInt32(0), replies[6].UInt32(0) }, Is.EqualTo(new[] { 3u, 2u, 1u }), "deletions highest occurrence first");
        Assert.That(replies[1].UInt32(0), Is.Zero);
        Assert.That(flushes, Is.EqualTo(2), "negotiation + end of message");
    }

    [Test]
    public async Task RunAsync_HeaderValuesWithoutLeadingSpaceNegotiated_AreSentAsGiven()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None)
        {
            EndOfMessage = (_, _, _) => ValueTask.FromResult(new MilterMessageResult()
                .AddHeaderChange(new HeaderChange.Insert(0, "Authentication-Results", "mx.example; none"))
                .AddHeaderChange(new HeaderChange.Change("Subject", 1, "hi"))),
        };
        var offered = (MilterProtocolFlags)0x301FFFFF & ~MilterProtocolFlags.HeaderLeadingSpace;
        var start = Wire.Concat(Wire.OptNeg(protocol: offered), Wire.Connect(), Wire.Helo());

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(start, Wire.Message(), Wire.Quit()));

        Assert.That(replies.Where(r => r.Code is 'i' or 'm').Select(r => r.ToString()), Is.EqualTo(new[] { "i:Authentication-Results|mx.example; none", "m:Subject|hi" }));
    }

    [Test]
    public async Task RunAsync_ChangeWithoutNegotiatedAction_IsDroppedAndTheVerdictStillSent()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None)
        {
            EndOfMessage = (_, _, _) => ValueTask.FromResult(new MilterMessageResult()
                .AddHeaderChange(new HeaderChange.Add("X-A", "1"))
                .AddHeaderChange(new HeaderChange.Delete("X-B", 1))
                .Quarantine("held")),
        };

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Wire.OptNeg(6, MilterActions.ChangeHeaders, AllOffered), Wire.Message(), Wire.Quit()));

        Assert.That(replies.Select(r => r.ToString()), Is.EqualTo(new[] { "O", "m:X-B|", "c" }));
    }

    [Test]
    public async Task RunAsync_InvalidChange_RepliesOnErrorWithoutPartialModifications()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None)
        {
            EndOfMessage = (_, _, _) => ValueTask.FromResult(new MilterMessageResult()
                .AddHeaderChange(new HeaderChange.Add("X-A", "1"))
                .AddHeaderChange(new HeaderChange.Insert(-1, "X-B", "2"))),
        };

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Ot"));
    }

    [Test]
    public async Task RunAsync_Progress_WritesAndFlushesOnePacketPerCall()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None)
        {
            EndOfMessage = async (_, progress, token) =>
            {
                await progress.ReportAsync(token);
                await progress.ReportAsync(token);
                return new MilterMessageResult().AddHeaderChange(new HeaderChange.Add("X-A", "1"));
            },
        };

        var (replies, flushes) = await ConnectionHarness.TranscriptWithFlushesAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Opphc"));
        Assert.That(flushes, Is.EqualTo(4));
    }

    [Test]
    public async Task RunAsync_ProgressArrivesBeforeTheVerdict_WhileTheHandlerIsStillWorking()
    {
        var release = new TaskCompletionSource();
        var handler = new RecordingHandler(replyStages: MilterStages.None)
        {
            EndOfMessage = async (_, progress, token) =>
            {
                await progress.ReportAsync(token);
                await release.Task;
                return MilterMessageResult.ContinueUnchanged;
            },
        };
        var harness = new ConnectionHarness(handler);
        await harness.SendAsync(Wire.Concat(Start, Wire.Message()));

        Assert.That((await harness.ReadReplyAsync()).Code, Is.EqualTo('O'));
        Assert.That((await harness.ReadReplyAsync()).Code, Is.EqualTo('p'));
        release.SetResult();
        Assert.That((await harness.ReadReplyAsync()).Code, Is.EqualTo('c'));
        await harness.CompleteInputAsync();
        await harness.FinishAsync();
    }

    [Test]
    public async Task RunAsync_SkipWithSkipNegotiated_RepliesSkip()
    {
        var handler = new RecordingHandler();
        handler.Decisions[MilterStages.Body] = MilterDecision.Skip;

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Occccccccsc"));
    }

    [Test]
    public async Task RunAsync_SkipWithoutSkipOffered_RepliesContinue()
    {
        var handler = new RecordingHandler();
        handler.Decisions[MilterStages.Body] = MilterDecision.Skip;
        var offer = Wire.OptNeg(6, AllActions, AllOffered & ~MilterProtocolFlags.Skip);

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(offer, Wire.Message(), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("O" + "cccccccc"));
    }

    [Test]
    public async Task RunAsync_StageNotRequestedButSent_RepliesContinueWithoutCallingTheHandler()
    {
        var handler = new RecordingHandler(stages: MilterStages.Connect);
        var offer = Wire.OptNeg(6, AllActions, MilterProtocolFlags.None);

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(offer, Wire.Mail("<a@example.org>"), Wire.Unknown("XFOO"), Wire.Quit()));

        Assert.That(Codes(replies), Is.EqualTo("Occ"));
        Assert.That(handler.Calls, Is.EqualTo(new[] { "message-reset", "connection-reset" }));
    }

    [Test]
    public async Task RunAsync_MoreHeadersThanTheLimit_PassesAllButStoresTheLimit()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None);

        await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Message(), Wire.Quit()), new MilterSessionOptions { MaxHeaders = 1 });

        Assert.That(handler.Calls.Count(c => c.StartsWith("header:", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(handler.Calls, Does.Contain("eom:helo=client.example,rcpts=1,headers=1"));
    }

    [Test]
    public async Task RunAsync_EndOfBodyWithData_PassesItAsALastBodyChunk()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None);

        await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Mail("<a@example.org>"), Wire.Packet('E', "tail"u8.ToArray()), Wire.Quit()));

        Assert.That(handler.Calls, Does.Contain("body:tail"));
    }

    [Test]
    public async Task RunAsync_Quit_IgnoresWhatFollows()
    {
        var handler = new RecordingHandler();

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Quit(), Wire.Mail("<a@example.org>")));

        Assert.That(Codes(replies), Is.EqualTo("Occ"));
        Assert.That(handler.Calls[^1], Is.EqualTo("connection-reset"));
    }

    [TestCase("unknown command")]
    [TestCase("before negotiation")]
    [TestCase("second negotiation")]
    [TestCase("oversized")]
    [TestCase("length zero")]
    [TestCase("truncated at eof")]
    [TestCase("missing nul")]
    public async Task RunAsync_ProtocolError_ClosesTheConnectionAfterResettingTheSession(string error)
    {
        var bad = error switch
        {
            "unknown command" => Wire.Concat(Start, Wire.Packet('Z')),
            "before negotiation" => Wire.Helo(),
            "second negotiation" => Wire.Concat(Start, Wire.OptNeg()),
            "oversized" => Wire.Concat(Start, Wire.U32(MilterSessionOptions.MinPacketLength + 1)),
            "length zero" => Wire.Concat(Start, Wire.U32(0)),
            "truncated at eof" => Wire.Concat(Start, Wire.Helo()[..6]),
            _ => Wire.Concat(Start, Wire.Packet('H', "x"u8.ToArray())),
        };
        var handler = new RecordingHandler();

        var replies = await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(bad, Wire.Helo("never")), new MilterSessionOptions { MaxPacketLength = MilterSessionOptions.MinPacketLength });

        Assert.That(handler.Calls, Has.None.EqualTo("helo:never"));
        Assert.That(handler.Calls[^1], Is.EqualTo("connection-reset"));
        Assert.That(Codes(replies), Is.EqualTo(error == "before negotiation" ? string.Empty : "Occ"));
    }

    [Test]
    public async Task RunAsync_IdleConnection_IsClosedAfterTheIdleTimeout()
    {
        var handler = new RecordingHandler();
        var harness = new ConnectionHarness(handler, new MilterSessionOptions { IdleTimeout = TimeSpan.FromMilliseconds(100) });
        await harness.SendAsync(Start);

        var replies = await harness.FinishAsync();

        Assert.That(Codes(replies), Is.EqualTo("Occ"));
        Assert.That(handler.Calls[^1], Is.EqualTo("connection-reset"));
    }

    [Test]
    public async Task RunAsync_Cancelled_StopsAndResetsTheSession()
    {
        using var cancellation = new CancellationTokenSource();
        var handler = new RecordingHandler();
        var harness = new ConnectionHarness(handler, cancellationToken: cancellation.Token);
        await harness.SendAsync(Start);
        Assert.That((await harness.ReadReplyAsync()).Code, Is.EqualTo('O'));

        await cancellation.CancelAsync();
        await harness.FinishAsync();

        Assert.That(handler.Calls[^1], Is.EqualTo("connection-reset"));
    }

    [Test]
    public async Task RunAsync_LargeBodyChunk_ArrivesWhole()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None);
        var body = new string('x', 300_000);

        await ConnectionHarness.TranscriptAsync(handler, Wire.Concat(Start, Wire.Mail("<a@example.org>"), Wire.Body(body), Wire.Eob(), Wire.Quit()));

        Assert.That(handler.Calls, Does.Contain("body:" + body));
    }

    private static string Codes(IEnumerable<Reply> replies) => string.Concat(replies.Select(r => r.Code));
}
