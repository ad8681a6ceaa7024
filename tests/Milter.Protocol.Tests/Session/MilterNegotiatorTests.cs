using Milter.Protocol.Codec;
using Milter.Protocol.Handling;
using Milter.Protocol.Session;

namespace Milter.Protocol.Tests.Session;

public class MilterNegotiatorTests
{
    private const MilterProtocolFlags AllOffered = (MilterProtocolFlags)0x301FFFFF;
    private const MilterActions AllActions = (MilterActions)0x1FF;
    private const int DefaultMax = (1024 * 1024) + (64 * 1024);

    private static readonly MilterProtocolFlags AllNoReply = MilterProtocolFlags.NoReplyConnect | MilterProtocolFlags.NoReplyHelo
        | MilterProtocolFlags.NoReplyMail | MilterProtocolFlags.NoReplyRecipient | MilterProtocolFlags.NoReplyData
        | MilterProtocolFlags.NoReplyHeader | MilterProtocolFlags.NoReplyEndOfHeaders | MilterProtocolFlags.NoReplyBody
        | MilterProtocolFlags.NoReplyUnknown;

    [TestCase(2u, 2u)]
    [TestCase(3u, 3u)]
    [TestCase(4u, 4u)]
    [TestCase(5u, 5u)]
    [TestCase(6u, 6u)]
    [TestCase(7u, 6u)]
    public void Negotiate_MtaVersion_AnswersTheLowerOfItAndSix(uint offered, uint expected)
    {
        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(offered, AllActions, AllOffered), Requirements(), DefaultMax);

        Assert.That(result.Reply.Version, Is.EqualTo(expected));
    }

    [TestCase(0u)]
    [TestCase(1u)]
    public void Negotiate_VersionBelowTwo_Throws(uint offered)
    {
        Assert.Throws<MilterProtocolException>(() => MilterNegotiator.Negotiate(new MilterOptionNegotiation(offered, AllActions, AllOffered), Requirements(), DefaultMax));
    }

    [Test]
    public void Negotiate_ActionsRequestedButNotOffered_AreNotClaimed()
    {
        var requirements = Requirements(actions: MilterActions.AddHeaders | MilterActions.ChangeHeaders | MilterActions.Quarantine);

        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(6, MilterActions.AddHeaders | MilterActions.ChangeBody, AllOffered), requirements, DefaultMax);

        Assert.That(result.Reply.Actions, Is.EqualTo(MilterActions.AddHeaders));
    }

    [Test]
    public void Negotiate_AllStagesNeededAndAnswered_AsksOnlyForLeadingSpaceSkipAndOneMegabyte()
    {
        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(6, AllActions, AllOffered), Requirements(), DefaultMax);

        Assert.That(result.Reply.Protocol, Is.EqualTo(MilterProtocolFlags.HeaderLeadingSpace | MilterProtocolFlags.Skip | MilterProtocolFlags.MaxDataSize1M));
    }

    [Test]
    public void Negotiate_NoStageAnswered_AsksNoReplyForEveryStage()
    {
        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(6, AllActions, AllOffered), Requirements(replyStages: MilterStages.None), DefaultMax);

        Assert.That(result.Reply.Protocol & AllNoReply, Is.EqualTo(AllNoReply));
        Assert.That(result.IsNoReply(MilterStages.Header), Is.True);
    }

    [Test]
    public void Negotiate_StagesNotNeeded_AsksNotToBeSentThem()
    {
        var requirements = Requirements(stages: MilterStages.Connect | MilterStages.Header, replyStages: MilterStages.Connect);

        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(6, AllActions, AllOffered), requirements, DefaultMax);

        var expectedNo = MilterProtocolFlags.NoHelo | MilterProtocolFlags.NoMail | MilterProtocolFlags.NoRecipient | MilterProtocolFlags.NoData
            | MilterProtocolFlags.NoEndOfHeaders | MilterProtocolFlags.NoBody | MilterProtocolFlags.NoUnknown;
        Assert.That(result.Reply.Protocol & (expectedNo | MilterProtocolFlags.NoConnect | MilterProtocolFlags.NoHeaders), Is.EqualTo(expectedNo));
        Assert.That(result.IsNoReply(MilterStages.Connect), Is.False);
        Assert.That(result.IsNoReply(MilterStages.Header), Is.True);
    }

    [Test]
    public void Negotiate_NothingOffered_RequestsNoFlags()
    {
        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(6, AllActions, MilterProtocolFlags.None), Requirements(stages: MilterStages.Connect, replyStages: MilterStages.None), DefaultMax);

        Assert.That(result.Reply.Protocol, Is.EqualTo(MilterProtocolFlags.None));
    }

    [Test]
    public void Negotiate_OnlySomeNoReplyFlagsOffered_ClaimsOnlyThose()
    {
        var offered = MilterProtocolFlags.NoReplyHeader | MilterProtocolFlags.NoReplyBody;

        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(6, AllActions, offered), Requirements(replyStages: MilterStages.Body), DefaultMax);

        Assert.That(result.Reply.Protocol, Is.EqualTo(MilterProtocolFlags.NoReplyHeader));
    }

    [TestCase(DefaultMax, MilterProtocolFlags.MaxDataSize256K | MilterProtocolFlags.MaxDataSize1M, MilterProtocolFlags.MaxDataSize1M)]
    [TestCase(1024 * 1024, MilterProtocolFlags.MaxDataSize256K | MilterProtocolFlags.MaxDataSize1M, MilterProtocolFlags.MaxDataSize1M)]
    [TestCase((1024 * 1024) - 1, MilterProtocolFlags.MaxDataSize256K | MilterProtocolFlags.MaxDataSize1M, MilterProtocolFlags.MaxDataSize256K)]
    [TestCase(DefaultMax, MilterProtocolFlags.MaxDataSize256K, MilterProtocolFlags.MaxDataSize256K)]
    [TestCase(256 * 1024, MilterProtocolFlags.MaxDataSize256K, MilterProtocolFlags.MaxDataSize256K)]
    [TestCase((256 * 1024) - 1, MilterProtocolFlags.MaxDataSize256K | MilterProtocolFlags.MaxDataSize1M, MilterProtocolFlags.None)]
    [TestCase(DefaultMax, MilterProtocolFlags.None, MilterProtocolFlags.None)]
    public void Negotiate_ChunkSizes_TakesTheLargestOfferedThatFits(int maxPacketLength, MilterProtocolFlags offered, MilterProtocolFlags expected)
    {
        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(6, AllActions, offered), Requirements(), maxPacketLength);

        Assert.That(result.Reply.Protocol & (MilterProtocolFlags.MaxDataSize256K | MilterProtocolFlags.MaxDataSize1M), Is.EqualTo(expected));
    }

    [Test]
    public void Negotiate_MacrosAtVersionSixWithSetSymList_SendsThem()
    {
        var requirements = Requirements(macros: new() { [MacroStage.EndOfMessage] = ["i"] });

        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(6, AllActions, AllOffered), requirements, DefaultMax);

        Assert.That(result.Macros, Is.SameAs(requirements.Macros));
        Assert.That(result.Reply.Actions & MilterActions.SetSymbolList, Is.EqualTo(MilterActions.SetSymbolList));
    }

    [TestCase(5u, AllActions)]
    [TestCase(6u, AllActions & ~MilterActions.SetSymbolList)]
    public void Negotiate_MacrosWithoutVersionSixOrSetSymList_SendsNone(uint version, MilterActions offered)
    {
        var requirements = Requirements(macros: new() { [MacroStage.EndOfMessage] = ["i"] });

        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(version, offered, AllOffered), requirements, DefaultMax);

        Assert.That(result.Macros, Is.Null);
        Assert.That(result.Reply.Actions & MilterActions.SetSymbolList, Is.EqualTo(MilterActions.None));
    }

    [Test]
    public void Negotiate_NoMacrosRequested_DoesNotClaimSetSymList()
    {
        var result = MilterNegotiator.Negotiate(new MilterOptionNegotiation(6, AllActions, AllOffered), Requirements(actions: MilterActions.SetSymbolList), DefaultMax);

        Assert.That(result.Reply.Actions, Is.EqualTo(MilterActions.None));
        Assert.That(result.Macros, Is.Null);
    }

    [Test]
    public void NoReplyFlag_CombinedStages_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MilterNegotiator.NoReplyFlag(MilterStages.Connect | MilterStages.Helo));
        Assert.Throws<ArgumentOutOfRangeException>(() => MilterNegotiator.NoSendFlag(MilterStages.None));
    }

    private static MilterHandlerRequirements Requirements(
        MilterStages stages = MilterStages.All,
        MilterStages replyStages = MilterStages.All,
        MilterActions actions = MilterActions.None,
        Dictionary<MacroStage, IReadOnlyList<string>>? macros = null) =>
        new(stages, replyStages, actions, macros ?? []);
}
