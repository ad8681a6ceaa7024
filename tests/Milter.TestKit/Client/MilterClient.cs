using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Milter.Protocol;
using Milter.Protocol.Hosting;

namespace Milter.TestKit.Client;

/// <summary>
/// The MTA side of the milter protocol (what Postfix's milter8 client does), written from the wire
/// facts independently of the server's codec so that a bug shared by encoder and decoder shows up.
/// </summary>
/// <remarks>
/// <para>
/// Stage methods honour the negotiated flags: a command the milter opted out of (SMFIP_NO*) is not
/// sent and a command it will not answer (SMFIP_NR_*) is not waited for; both return
/// <see cref="MilterClientReply.NotAwaited"/>. Unanswered commands stay buffered and leave in one
/// write with the next command that waits for a reply (or with abort/quit), like a pipelining MTA.
/// Macros (SMFIC_MACRO) precede each command: the names the milter requested with SETSYMLIST,
/// otherwise Postfix's default lists; values come from <see cref="MilterClientOptions.MtaMacros"/>,
/// from the stage arguments (<c>{client_addr}</c>, <c>{mail_addr}</c>, <c>i</c> from DATA on, …) and
/// from the optional per-call dictionaries, whose keys are written without braces. Names without a
/// value are not sent, as Postfix does.
/// </para>
/// <para>
/// SMFIR_PROGRESS packets restart the reply timeout. Any I/O failure, timeout or protocol violation
/// leaves the client faulted; later calls throw <see cref="InvalidOperationException"/>. Not thread-safe.
/// </para>
/// </remarks>
public sealed class MilterClient : IAsyncDisposable, IDisposable
{
    /// <summary>The protocol version Postfix 3.7 speaks (<c>milter_protocol = 6</c>).</summary>
    public const uint PostfixProtocolVersion = 6;

    private const int LengthPrefixSize = 4;
    private const int AutoFlushThreshold = 64 * 1024;
    private const int MaxCommandOverhead = 64;

    private static readonly MilterClientReply ContinueReply = new(MilterReplyCode.Continue, null, true);
    private static readonly Task<MilterClientReply> NotAwaitedTask = Task.FromResult(MilterClientReply.NotAwaited);
    private static readonly string QueueIdPrefix = Random.Shared.Next(0x10000, 0xFFFFF).ToString("X5", CultureInfo.InvariantCulture);
    private static long s_queueIdCounter;

    private readonly Stream _stream;
    private readonly MilterClientOptions _options;
    private readonly MilterPacketWriter _writer;
    private readonly CancellationTokenSource _timeout = new();
    private readonly Dictionary<string, string> _sessionMacros = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _messageMacros = new(StringComparer.Ordinal);
    private byte[] _readBuffer = new byte[4096];
    private int _readStart;
    private int _readEnd;
    private MilterNegotiationResult? _negotiation;
    private bool _faulted;
    private bool _disposed;

    /// <summary>Wraps a connected stream; the client owns and disposes it.</summary>
    /// <param name="stream">A connected, readable and writable stream to the milter.</param>
    /// <param name="options">Client behaviour; null for Postfix-like defaults.</param>
    public MilterClient(Stream stream, MilterClientOptions? options = null)
    {
        _stream = stream;
        _options = options ?? new MilterClientOptions();
        _writer = new MilterPacketWriter(AutoFlushThreshold + (1024 * 1024) + MaxCommandOverhead);
    }

    /// <summary>Every SMFIF_* action defined for protocol version 6.</summary>
    public static MilterActions AllActions { get; } = Enum.GetValues<MilterActions>().Aggregate(MilterActions.None, (all, a) => all | a);

    /// <summary>Every SMFIP_* flag Postfix 3.7 offers: all NO* and NR_* steps, SKIP, RCPT_REJ, HDR_LEADSPC and MDS_256K/1M.</summary>
    public static MilterProtocolFlags PostfixProtocolFlags { get; } =
        Enum.GetValues<MilterProtocolFlags>().Aggregate(MilterProtocolFlags.None, (all, f) => all | f);

    /// <summary>The negotiated options; null before <see cref="NegotiateAsync"/> completed.</summary>
    public MilterNegotiationResult? Negotiation => _negotiation;

    /// <summary>
    /// Connects to a milter socket given as <c>inet:PORT@HOST</c> (Sendmail), <c>inet:HOST:PORT</c> (Postfix),
    /// <c>inet6:PORT@HOST</c>, <c>unix:/path</c> or <c>local:/path</c>.
    /// </summary>
    /// <exception cref="FormatException">The socket specification cannot be parsed.</exception>
    /// <exception cref="SocketException">The connection was refused or the host is unknown.</exception>
    public static Task<MilterClient> OpenAsync(string socket, MilterClientOptions? options = null, CancellationToken cancellationToken = default) =>
        OpenAsync(ParseEndPoint(socket), options, cancellationToken);

    /// <summary>Connects to a milter at <paramref name="endPoint"/> (TCP with Nagle off, or a Unix domain socket).</summary>
    /// <exception cref="SocketException">The connection was refused.</exception>
    public static async Task<MilterClient> OpenAsync(EndPoint endPoint, MilterClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        var socket = endPoint switch
        {
            UnixDomainSocketEndPoint => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),

            // A host name may resolve to IPv4 or IPv6: a dual-mode socket takes either.
            DnsEndPoint => new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true },
            _ => new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true },
        };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new MilterClient(new NetworkStream(socket, ownsSocket: true), options);
    }

    /// <summary>Parses a milter socket specification (see <see cref="OpenAsync(string, MilterClientOptions?, CancellationToken)"/>).</summary>
    /// <exception cref="FormatException">The specification cannot be parsed.</exception>
    public static EndPoint ParseEndPoint(string socket)
    {
        var endpoint = MilterEndpoint.Parse(socket);
        if (endpoint.UnixPath is { } path)
        {
            return new UnixDomainSocketEndPoint(path);
        }

        if (endpoint.Port == 0)
        {
            throw new FormatException($"Milter socket '{socket}' has no port to connect to.");
        }

        return IPAddress.TryParse(endpoint.Host, out var address) ? new IPEndPoint(address, endpoint.Port) : new DnsEndPoint(endpoint.Host!, endpoint.Port);
    }

    /// <summary>Negotiates options (SMFIC_OPTNEG) and records the milter's choice for the following commands.</summary>
    /// <param name="version">The protocol version offered; Postfix 3.7 offers 6.</param>
    /// <param name="actions">Actions offered; null for <see cref="AllActions"/>.</param>
    /// <param name="protocolFlags">Protocol steps offered; null for <see cref="PostfixProtocolFlags"/>.</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="MilterClientProtocolException">The reply is malformed or claims a version, action or flag that was not offered.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public async Task<MilterNegotiationResult> NegotiateAsync(
        uint version = PostfixProtocolVersion,
        MilterActions? actions = null,
        MilterProtocolFlags? protocolFlags = null,
        CancellationToken cancellationToken = default)
    {
        EnsureUsable();
        var offeredActions = actions ?? AllActions;
        var offeredFlags = protocolFlags ?? PostfixProtocolFlags;
        _writer.BeginPacket((byte)MilterCommandCode.OptionNegotiation);
        _writer.WriteUInt32(version);
        _writer.WriteUInt32((uint)offeredActions);
        _writer.WriteUInt32((uint)offeredFlags);
        _writer.EndPacket();

        var packet = await ExchangeAsync(cancellationToken).ConfigureAwait(false);
        var result = Guard(() => DecodeNegotiation(packet.Span, version, offeredActions, offeredFlags));
        _negotiation = result;
        return result;
    }

    /// <summary>Announces the SMTP client (SMFIC_CONNECT) and starts a new SMTP session's macros.</summary>
    /// <param name="hostName">The client host name as the MTA resolved it, or <c>[address]</c> / <c>unknown</c>.</param>
    /// <param name="address">The client address; null sends the unknown family (no port, no address).</param>
    /// <param name="port">The client port.</param>
    /// <param name="macros">Extra macro values for this session (e.g. <c>client_ptr</c>).</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">The reply is not a stage verdict.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public Task<MilterClientReply> ConnectAsync(
        string hostName,
        IPAddress? address,
        int port,
        IReadOnlyDictionary<string, string>? macros = null,
        CancellationToken cancellationToken = default)
    {
        var negotiation = EnsureNegotiated();
        _messageMacros.Clear();
        _sessionMacros.Clear();
        _sessionMacros["client_name"] = hostName;
        _sessionMacros["client_ptr"] = hostName;
        if (address is not null)
        {
            _sessionMacros["client_addr"] = address.ToString();
            _sessionMacros["client_port"] = port.ToString(CultureInfo.InvariantCulture);
            _sessionMacros["_"] = $"{hostName} [{address}]";
        }

        if (negotiation.ProtocolFlags.HasFlag(MilterProtocolFlags.NoConnect))
        {
            Merge(_sessionMacros, macros);
            return NotAwaitedTask;
        }

        WriteMacros(MacroStage.Connect, MilterCommandCode.Connect, _sessionMacros, macros);
        WritePacket(MilterCommandCode.Connect, writer =>
        {
            writer.WriteCString(hostName);
            if (address is null)
            {
                writer.WriteByte((byte)'U');
                return;
            }

            writer.WriteByte(address.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)'6' : (byte)'4');
            writer.WriteUInt16((ushort)port);
            writer.WriteCString(address.ToString());
        });
        return FinishStageAsync(MilterCommandCode.Connect, MilterProtocolFlags.NoReplyConnect, cancellationToken);
    }

    /// <summary>Sends HELO/EHLO (SMFIC_HELO).</summary>
    /// <param name="heloName">The HELO argument.</param>
    /// <param name="macros">Extra session macro values (e.g. <c>tls_version</c>, <c>cipher</c>).</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">The reply is not a stage verdict.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public Task<MilterClientReply> HeloAsync(string heloName, IReadOnlyDictionary<string, string>? macros = null, CancellationToken cancellationToken = default) =>
        SendStageAsync(
            MilterCommandCode.Helo,
            MacroStage.Helo,
            MilterProtocolFlags.NoHelo,
            MilterProtocolFlags.NoReplyHelo,
            _sessionMacros,
            macros,
            writer => writer.WriteCString(heloName),
            cancellationToken);

    /// <summary>Starts a message with MAIL FROM (SMFIC_MAIL); message macros of an earlier message are dropped.</summary>
    /// <param name="sender">The reverse path with angle brackets; <c>&lt;&gt;</c> for the null sender.</param>
    /// <param name="arguments">ESMTP arguments such as <c>SIZE=4096</c>.</param>
    /// <param name="macros">Extra message macro values (e.g. <c>auth_authen</c>, <c>auth_type</c>).</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">The reply is not a stage verdict.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public Task<MilterClientReply> MailFromAsync(
        string sender,
        IReadOnlyList<string>? arguments = null,
        IReadOnlyDictionary<string, string>? macros = null,
        CancellationToken cancellationToken = default)
    {
        _messageMacros.Clear();
        _messageMacros["mail_addr"] = sender.Trim('<', '>');
        _messageMacros["mail_mailer"] = "smtp";
        return SendStageAsync(
            MilterCommandCode.Mail,
            MacroStage.MailFrom,
            MilterProtocolFlags.NoMail,
            MilterProtocolFlags.NoReplyMail,
            _messageMacros,
            macros,
            writer => WriteAddressAndArguments(writer, sender, arguments),
            cancellationToken);
    }

    /// <summary>Adds a recipient (SMFIC_RCPT).</summary>
    /// <param name="recipient">The forward path with angle brackets.</param>
    /// <param name="arguments">ESMTP arguments such as <c>NOTIFY=NEVER</c>.</param>
    /// <param name="macros">Extra message macro values.</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">The reply is not a stage verdict.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public Task<MilterClientReply> RecipientAsync(
        string recipient,
        IReadOnlyList<string>? arguments = null,
        IReadOnlyDictionary<string, string>? macros = null,
        CancellationToken cancellationToken = default)
    {
        var address = recipient.Trim('<', '>');
        var at = address.LastIndexOf('@');
        _messageMacros["rcpt_addr"] = address;
        _messageMacros["rcpt_host"] = at < 0 ? string.Empty : address[(at + 1)..];
        _messageMacros["rcpt_mailer"] = "smtp";
        return SendStageAsync(
            MilterCommandCode.Recipient,
            MacroStage.Recipient,
            MilterProtocolFlags.NoRecipient,
            MilterProtocolFlags.NoReplyRecipient,
            _messageMacros,
            macros,
            writer => WriteAddressAndArguments(writer, recipient, arguments),
            cancellationToken);
    }

    /// <summary>
    /// Sends DATA (SMFIC_DATA). The queue id macro <c>i</c> is assigned here (Postfix knows it only once the
    /// queue file exists), unless the caller supplies one.
    /// </summary>
    /// <param name="macros">Extra message macro values, e.g. <c>i</c>.</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">The reply is not a stage verdict.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public Task<MilterClientReply> DataAsync(IReadOnlyDictionary<string, string>? macros = null, CancellationToken cancellationToken = default)
    {
        var counter = Interlocked.Increment(ref s_queueIdCounter);
        _messageMacros["i"] = QueueIdPrefix + (counter & 0xFFFFFF).ToString("X6", CultureInfo.InvariantCulture);
        return SendStageAsync(
            MilterCommandCode.Data,
            MacroStage.Data,
            MilterProtocolFlags.NoData,
            MilterProtocolFlags.NoReplyData,
            _messageMacros,
            macros,
            static _ => { },
            cancellationToken);
    }

    /// <summary>
    /// Sends one header field (SMFIC_HEADER). <paramref name="rawValue"/> is the text after the colon as written in the
    /// message; unless SMFIP_HDR_LEADSPC was negotiated its first space is removed, as Postfix does.
    /// </summary>
    /// <param name="name">The field name.</param>
    /// <param name="rawValue">The raw value, leading space and folding CRLFs included.</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">The reply is not a stage verdict.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public Task<MilterClientReply> HeaderAsync(string name, string rawValue, CancellationToken cancellationToken = default)
    {
        var negotiation = EnsureNegotiated();
        if (negotiation.ProtocolFlags.HasFlag(MilterProtocolFlags.NoHeaders))
        {
            return NotAwaitedTask;
        }

        var value = !negotiation.ProtocolFlags.HasFlag(MilterProtocolFlags.HeaderLeadingSpace) && rawValue.StartsWith(' ')
            ? rawValue[1..]
            : rawValue;
        WritePacket(MilterCommandCode.Header, writer =>
        {
            writer.WriteCString(name);
            writer.WriteCString(value);
        });
        return FinishStageAsync(MilterCommandCode.Header, MilterProtocolFlags.NoReplyHeader, cancellationToken);
    }

    /// <summary>Sends end of headers (SMFIC_EOH).</summary>
    /// <param name="macros">Extra message macro values.</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">The reply is not a stage verdict.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public Task<MilterClientReply> EndOfHeadersAsync(IReadOnlyDictionary<string, string>? macros = null, CancellationToken cancellationToken = default) =>
        SendStageAsync(
            MilterCommandCode.EndOfHeaders,
            MacroStage.EndOfHeaders,
            MilterProtocolFlags.NoEndOfHeaders,
            MilterProtocolFlags.NoReplyEndOfHeaders,
            _messageMacros,
            macros,
            static _ => { },
            cancellationToken);

    /// <summary>
    /// Sends the body (SMFIC_BODY) in chunks of at most <see cref="MilterNegotiationResult.MaxBodyChunk"/> bytes. Stops at the
    /// first reply that is not continue; after SMFIR_SKIP no further chunk is sent and the skip reply is returned.
    /// An empty body sends nothing.
    /// </summary>
    /// <param name="body">Raw body bytes with CRLF line endings.</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">The reply is not a stage verdict.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public async Task<MilterClientReply> BodyAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        var negotiation = EnsureNegotiated();
        if (negotiation.ProtocolFlags.HasFlag(MilterProtocolFlags.NoBody))
        {
            return MilterClientReply.NotAwaited;
        }

        var reply = MilterClientReply.NotAwaited;
        for (var offset = 0; offset < body.Length; offset += negotiation.MaxBodyChunk)
        {
            var chunk = body.Slice(offset, Math.Min(negotiation.MaxBodyChunk, body.Length - offset));
            WritePacket(MilterCommandCode.Body, writer => writer.WriteBytes(chunk.Span));
            reply = await FinishStageAsync(MilterCommandCode.Body, MilterProtocolFlags.NoReplyBody, cancellationToken).ConfigureAwait(false);
            if (reply.Code != MilterReplyCode.Continue)
            {
                break;
            }
        }

        return reply;
    }

    /// <summary>
    /// Ends the message (SMFIC_BODYEOB) and collects modifications and progress packets until the final verdict.
    /// Message macros are dropped afterwards.
    /// </summary>
    /// <param name="macros">Extra message macro values.</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">A reply is malformed, or a modification was not negotiated.</exception>
    /// <exception cref="TimeoutException">No packet within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public async Task<MilterClientEomResult> EndOfMessageAsync(IReadOnlyDictionary<string, string>? macros = null, CancellationToken cancellationToken = default)
    {
        var negotiation = EnsureNegotiated();
        WriteMacros(MacroStage.EndOfMessage, MilterCommandCode.EndOfBody, _messageMacros, macros);
        WritePacket(MilterCommandCode.EndOfBody, static _ => { });
        await FlushAsync(cancellationToken).ConfigureAwait(false);

        var modifications = new List<MilterClientModification>();
        var progress = 0;
        while (true)
        {
            var packet = await ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            var code = (MilterReplyCode)packet.Span[0];
            if (code == MilterReplyCode.Progress)
            {
                progress++;
                continue;
            }

            var modification = Guard(() => DecodeModification(packet, negotiation.Actions));
            if (modification is not null)
            {
                modifications.Add(modification);
                continue;
            }

            var reply = Guard(() => DecodeVerdict(packet.Span, MilterCommandCode.EndOfBody));
            _messageMacros.Clear();
            return new MilterClientEomResult(modifications, progress, reply);
        }
    }

    /// <summary>Sends an unrecognised SMTP command (SMFIC_UNKNOWN).</summary>
    /// <param name="command">The SMTP command line without CRLF.</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">The reply is not a stage verdict.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public Task<MilterClientReply> UnknownAsync(string command, CancellationToken cancellationToken = default)
    {
        var negotiation = EnsureNegotiated();
        if (negotiation.ProtocolFlags.HasFlag(MilterProtocolFlags.NoUnknown))
        {
            return NotAwaitedTask;
        }

        WritePacket(MilterCommandCode.Unknown, writer => writer.WriteCString(command));
        return FinishStageAsync(MilterCommandCode.Unknown, MilterProtocolFlags.NoReplyUnknown, cancellationToken);
    }

    /// <summary>Aborts the current message (SMFIC_ABORT, no reply); the SMTP session stays.</summary>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    public Task AbortAsync(CancellationToken cancellationToken = default)
    {
        EnsureNegotiated();
        _messageMacros.Clear();
        WritePacket(MilterCommandCode.Abort, static _ => { });
        return FlushAsync(cancellationToken).AsTask();
    }

    /// <summary>Ends the SMTP session and the milter connection (SMFIC_QUIT, no reply).</summary>
    /// <exception cref="InvalidOperationException">The client is faulted.</exception>
    public Task QuitAsync(CancellationToken cancellationToken = default)
    {
        EnsureUsable();
        WritePacket(MilterCommandCode.Quit, static _ => { });
        return FlushAsync(cancellationToken).AsTask();
    }

    /// <summary>
    /// Ends the SMTP session but keeps the milter connection (SMFIC_QUIT_NC, no reply); the next session starts with
    /// <see cref="ConnectAsync(string, IPAddress?, int, IReadOnlyDictionary{string, string}?, CancellationToken)"/>
    /// without a new negotiation.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    public Task QuitNewConnectionAsync(CancellationToken cancellationToken = default)
    {
        EnsureNegotiated();
        _messageMacros.Clear();
        _sessionMacros.Clear();
        WritePacket(MilterCommandCode.QuitNewConnection, static _ => { });
        return FlushAsync(cancellationToken).AsTask();
    }

    /// <summary>
    /// Sends one whole message of the current SMTP session: MAIL, RCPT for each recipient, DATA, the headers, EOH,
    /// the body and end of message. A recipient refused with reject, tempfail or a reply code is dropped as Postfix
    /// does; any other verdict than continue ends the transaction early with SMFIC_ABORT.
    /// </summary>
    /// <param name="message">The message; its headers and CRLF body are sent as they are.</param>
    /// <param name="envelope">Sender and recipients.</param>
    /// <param name="cancellationToken">Cancels the exchange (the client is faulted afterwards).</param>
    /// <exception cref="InvalidOperationException">Called before negotiation, or the client is faulted.</exception>
    /// <exception cref="MilterClientProtocolException">The milter broke the protocol.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MilterClientOptions.ReplyTimeout"/>.</exception>
    public async Task<MilterTransactionResult> SendMessageAsync(ParsedEml message, MilterEnvelope envelope, CancellationToken cancellationToken = default)
    {
        var reply = await MailFromAsync(envelope.Sender, envelope.MailArguments, null, cancellationToken).ConfigureAwait(false);
        if (!reply.IsContinue)
        {
            return await EndEarlyAsync(MilterCommandCode.Mail, reply, cancellationToken).ConfigureAwait(false);
        }

        var accepted = 0;
        foreach (var recipient in envelope.Recipients)
        {
            reply = await RecipientAsync(recipient, null, null, cancellationToken).ConfigureAwait(false);
            if (reply.IsContinue)
            {
                accepted++;
            }
            else if (reply.Code is not (MilterReplyCode.Reject or MilterReplyCode.Tempfail or MilterReplyCode.ReplyCode))
            {
                return await EndEarlyAsync(MilterCommandCode.Recipient, reply, cancellationToken).ConfigureAwait(false);
            }
        }

        if (accepted == 0)
        {
            return await EndEarlyAsync(MilterCommandCode.Recipient, reply, cancellationToken).ConfigureAwait(false);
        }

        reply = await DataAsync(null, cancellationToken).ConfigureAwait(false);
        if (!reply.IsContinue)
        {
            return await EndEarlyAsync(MilterCommandCode.Data, reply, cancellationToken).ConfigureAwait(false);
        }

        foreach (var header in message.Headers)
        {
            reply = await HeaderAsync(header.Key, header.Value, cancellationToken).ConfigureAwait(false);
            if (!reply.IsContinue)
            {
                return await EndEarlyAsync(MilterCommandCode.Header, reply, cancellationToken).ConfigureAwait(false);
            }
        }

        reply = await EndOfHeadersAsync(null, cancellationToken).ConfigureAwait(false);
        if (!reply.IsContinue)
        {
            return await EndEarlyAsync(MilterCommandCode.EndOfHeaders, reply, cancellationToken).ConfigureAwait(false);
        }

        reply = await BodyAsync(message.Body, cancellationToken).ConfigureAwait(false);
        if (!reply.IsContinue)
        {
            return await EndEarlyAsync(MilterCommandCode.Body, reply, cancellationToken).ConfigureAwait(false);
        }

        var eom = await EndOfMessageAsync(null, cancellationToken).ConfigureAwait(false);
        return new MilterTransactionResult(MilterCommandCode.EndOfBody, eom.Reply, eom);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _timeout.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _timeout.Dispose();
        _stream.Dispose();
    }

    private static void WriteAddressAndArguments(MilterPacketWriter writer, string address, IReadOnlyList<string>? arguments)
    {
        writer.WriteCString(address);
        foreach (var argument in arguments ?? [])
        {
            writer.WriteCString(argument);
        }
    }

    private static void Merge(Dictionary<string, string> target, IReadOnlyDictionary<string, string>? macros)
    {
        if (macros is null)
        {
            return;
        }

        foreach (var (name, value) in macros)
        {
            target[UnbracedName(name)] = value;
        }
    }

    private static string UnbracedName(string name) => UnbracedSpan(name).ToString();

    private static ReadOnlySpan<char> UnbracedSpan(string name) =>
        name.Length > 2 && name[0] == '{' && name[^1] == '}' ? name.AsSpan(1, name.Length - 2) : name;

    private static MilterNegotiationResult DecodeNegotiation(ReadOnlySpan<byte> packet, uint offeredVersion, MilterActions offeredActions, MilterProtocolFlags offeredFlags)
    {
        if (packet[0] != (byte)MilterReplyCode.OptionNegotiation || packet.Length < 13)
        {
            throw new MilterClientProtocolException($"Expected a 13+ byte OPTNEG reply, got '{(char)packet[0]}' with {packet.Length - 1} data bytes.");
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(packet[1..]);
        var actions = (MilterActions)BinaryPrimitives.ReadUInt32BigEndian(packet[5..]);
        var flags = (MilterProtocolFlags)BinaryPrimitives.ReadUInt32BigEndian(packet[9..]);
        if (version < 2 || version > offeredVersion)
        {
            throw new MilterClientProtocolException($"The milter chose protocol version {version}; {offeredVersion} was offered.");
        }

        if ((actions & ~offeredActions) != 0)
        {
            throw new MilterClientProtocolException($"The milter claimed actions {actions & ~offeredActions} that were not offered.");
        }

        if ((flags & ~offeredFlags) != 0)
        {
            throw new MilterClientProtocolException($"The milter chose protocol flags 0x{(uint)(flags & ~offeredFlags):X} that were not offered.");
        }

        var macros = new Dictionary<MacroStage, IReadOnlyList<string>>();
        var rest = packet[13..];
        while (!rest.IsEmpty)
        {
            if (rest.Length < 5)
            {
                throw new MilterClientProtocolException("Truncated macro list in the OPTNEG reply.");
            }

            var stage = BinaryPrimitives.ReadUInt32BigEndian(rest);
            rest = rest[4..];
            var names = ReadCString(ref rest);
            if (stage > (uint)MacroStage.EndOfHeaders)
            {
                throw new MilterClientProtocolException($"Macro list for unknown stage {stage}.");
            }

            macros[(MacroStage)stage] = names.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }

        if (macros.Count > 0 && !actions.HasFlag(MilterActions.SetSymbolList))
        {
            throw new MilterClientProtocolException("The milter sent macro lists without claiming SMFIF_SETSYMLIST.");
        }

        return new MilterNegotiationResult(version, actions, flags, macros);
    }

    private static MilterClientReply DecodeVerdict(ReadOnlySpan<byte> packet, MilterCommandCode command)
    {
        var code = (MilterReplyCode)packet[0];
        switch (code)
        {
            case MilterReplyCode.Continue:
                return ContinueReply;
            case MilterReplyCode.Accept or MilterReplyCode.Reject or MilterReplyCode.Tempfail or MilterReplyCode.Discard
                or MilterReplyCode.ConnectionFailure or MilterReplyCode.Shutdown:
                return new MilterClientReply(code, null, true);
            case MilterReplyCode.Skip when command == MilterCommandCode.Body:
                return new MilterClientReply(code, null, true);
            case MilterReplyCode.ReplyCode:
                var data = packet[1..];
                var text = ReadCString(ref data);
                if (text.Length < 3 || (text[0] != '4' && text[0] != '5') || !char.IsAsciiDigit(text[1]) || !char.IsAsciiDigit(text[2]))
                {
                    throw new MilterClientProtocolException($"SMFIR_REPLYCODE text '{text}' does not start with a 4xx/5xx code.");
                }

                return new MilterClientReply(code, text, true);
            default:
                throw new MilterClientProtocolException($"Unexpected reply '{(char)code}' to '{(char)command}'.");
        }
    }

    private static MilterClientModification? DecodeModification(ReadOnlyMemory<byte> packet, MilterActions negotiated)
    {
        var code = (MilterReplyCode)packet.Span[0];
        var required = code switch
        {
            MilterReplyCode.AddHeader or MilterReplyCode.InsertHeader => MilterActions.AddHeaders,
            MilterReplyCode.ChangeHeader => MilterActions.ChangeHeaders,
            MilterReplyCode.ChangeFrom => MilterActions.ChangeFrom,
            MilterReplyCode.AddRecipient => MilterActions.AddRecipient,
            MilterReplyCode.AddRecipientWithParameters => MilterActions.AddRecipientWithParameters,
            MilterReplyCode.DeleteRecipient => MilterActions.DeleteRecipient,
            MilterReplyCode.ReplaceBody => MilterActions.ChangeBody,
            MilterReplyCode.Quarantine => MilterActions.Quarantine,
            _ => MilterActions.None,
        };
        if (required == MilterActions.None)
        {
            return null;
        }

        if (!negotiated.HasFlag(required))
        {
            throw new MilterClientProtocolException($"Modification '{(char)code}' needs {required}, which the milter did not negotiate.");
        }

        if (code == MilterReplyCode.ReplaceBody)
        {
            return new MilterClientModification.ReplaceBody(packet[1..].ToArray());
        }

        var data = packet.Span[1..];
        return code switch
        {
            MilterReplyCode.AddHeader => new MilterClientModification.AddHeader(ReadCString(ref data), ReadCString(ref data)),
            MilterReplyCode.InsertHeader => new MilterClientModification.InsertHeader(ReadIndex(ref data), ReadCString(ref data), ReadCString(ref data)),
            MilterReplyCode.ChangeHeader => new MilterClientModification.ChangeHeader(ReadIndex(ref data), ReadCString(ref data), ReadCString(ref data)),
            MilterReplyCode.ChangeFrom => new MilterClientModification.ChangeFrom(ReadCString(ref data), data.IsEmpty ? null : ReadCString(ref data)),
            MilterReplyCode.AddRecipient => new MilterClientModification.AddRecipient(ReadCString(ref data), null),
            MilterReplyCode.AddRecipientWithParameters => new MilterClientModification.AddRecipient(ReadCString(ref data), ReadCString(ref data)),
            MilterReplyCode.DeleteRecipient => new MilterClientModification.DeleteRecipient(ReadCString(ref data)),
            _ => new MilterClientModification.Quarantine(ReadCString(ref data)),
        };
    }

    private static int ReadIndex(ref ReadOnlySpan<byte> data)
    {
        if (data.Length < 4)
        {
            throw new MilterClientProtocolException("Truncated header index.");
        }

        var index = BinaryPrimitives.ReadUInt32BigEndian(data);
        data = data[4..];
        return index > int.MaxValue ? throw new MilterClientProtocolException($"Header index {index} is out of range.") : (int)index;
    }

    private static string ReadCString(ref ReadOnlySpan<byte> data)
    {
        var nul = data.IndexOf((byte)0);
        if (nul < 0)
        {
            throw new MilterClientProtocolException("A string in the reply is not NUL-terminated.");
        }

        var value = Encoding.UTF8.GetString(data[..nul]);
        data = data[(nul + 1)..];
        return value;
    }

    private Task<MilterClientReply> SendStageAsync(
        MilterCommandCode command,
        MacroStage stage,
        MilterProtocolFlags noFlag,
        MilterProtocolFlags noReplyFlag,
        Dictionary<string, string> scope,
        IReadOnlyDictionary<string, string>? macros,
        Action<MilterPacketWriter> writeData,
        CancellationToken cancellationToken)
    {
        var negotiation = EnsureNegotiated();
        if (negotiation.ProtocolFlags.HasFlag(noFlag))
        {
            Merge(scope, macros);
            return NotAwaitedTask;
        }

        WriteMacros(stage, command, scope, macros);
        WritePacket(command, writeData);
        return FinishStageAsync(command, noReplyFlag, cancellationToken);
    }

    private void WriteMacros(MacroStage stage, MilterCommandCode command, Dictionary<string, string> scope, IReadOnlyDictionary<string, string>? macros)
    {
        Merge(scope, macros);
        var names = _negotiation!.Macros.TryGetValue(stage, out var requested) ? requested : PostfixMacroDefaults.For(stage);
        _writer.BeginPacket((byte)MilterCommandCode.Macro);
        _writer.WriteByte((byte)command);
        var sent = 0;
        try
        {
            foreach (var name in names)
            {
                if (TryGetMacro(UnbracedSpan(name), out var value))
                {
                    _writer.WriteCString(name);
                    _writer.WriteCString(value);
                    sent++;
                }
            }
        }
        catch
        {
            _writer.CancelPacket();
            throw;
        }

        if (sent == 0)
        {
            _writer.CancelPacket();
        }
        else
        {
            _writer.EndPacket();
        }
    }

    private bool TryGetMacro(ReadOnlySpan<char> name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        if (_messageMacros.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out value)
            || _sessionMacros.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out value))
        {
            return true;
        }

        // The MTA-wide table is small and rarely consulted per message; a string key is fine there.
        return _options.MtaMacros.TryGetValue(name.ToString(), out value);
    }

    private void WritePacket(MilterCommandCode command, Action<MilterPacketWriter> writeData)
    {
        EnsureUsable();
        _writer.BeginPacket((byte)command);
        try
        {
            writeData(_writer);
        }
        catch
        {
            _writer.CancelPacket();
            throw;
        }

        _writer.EndPacket();
    }

    private Task<MilterClientReply> FinishStageAsync(MilterCommandCode command, MilterProtocolFlags noReplyFlag, CancellationToken cancellationToken)
    {
        if (!_negotiation!.ProtocolFlags.HasFlag(noReplyFlag))
        {
            return AwaitVerdictAsync(command, cancellationToken);
        }

        return _writer.BufferedLength >= AutoFlushThreshold ? FlushWithoutReplyAsync(cancellationToken) : NotAwaitedTask;
    }

    private async Task<MilterClientReply> FlushWithoutReplyAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return MilterClientReply.NotAwaited;
    }

    private async Task<MilterClientReply> AwaitVerdictAsync(MilterCommandCode command, CancellationToken cancellationToken)
    {
        var packet = await ExchangeAsync(cancellationToken).ConfigureAwait(false);
        return Guard(() => DecodeVerdict(packet.Span, command));
    }

    private async ValueTask<ReadOnlyMemory<byte>> ExchangeAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var packet = await ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (packet.Span[0] != (byte)MilterReplyCode.Progress)
            {
                return packet;
            }
        }
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        EnsureUsable();
        using var registration = StartTimer(cancellationToken);
        try
        {
            await _writer.FlushAsync(_stream, _timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            throw Fault(exception, cancellationToken);
        }

        StopTimer();
    }

    /// <summary>Reads one reply packet; the memory (command byte first) is valid until the next read.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadPacketAsync(CancellationToken cancellationToken)
    {
        using var registration = StartTimer(cancellationToken);
        try
        {
            await FillAsync(LengthPrefixSize).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadUInt32BigEndian(_readBuffer.AsSpan(_readStart));
            if (length == 0 || length > _options.MaxReplyLength)
            {
                throw new MilterClientProtocolException($"Reply length {length} is outside 1..{_options.MaxReplyLength}.");
            }

            await FillAsync(LengthPrefixSize + (int)length).ConfigureAwait(false);
            var packet = _readBuffer.AsMemory(_readStart + LengthPrefixSize, (int)length);
            _readStart += LengthPrefixSize + (int)length;
            StopTimer();
            return packet;
        }
        catch (Exception exception)
        {
            throw Fault(exception, cancellationToken);
        }
    }

    private async ValueTask FillAsync(int count)
    {
        if (_readEnd - _readStart >= count)
        {
            return;
        }

        if (_readBuffer.Length - _readStart < count)
        {
            // Compact, growing only as far as the packet needs (bounded by MaxReplyLength).
            var target = _readBuffer.Length >= count ? _readBuffer : new byte[Math.Max(count, _readBuffer.Length * 2)];
            Buffer.BlockCopy(_readBuffer, _readStart, target, 0, _readEnd - _readStart);
            _readEnd -= _readStart;
            _readStart = 0;
            _readBuffer = target;
        }

        while (_readEnd - _readStart < count)
        {
            var read = await _stream.ReadAsync(_readBuffer.AsMemory(_readEnd), _timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("The milter closed the connection.");
            }

            _readEnd += read;
        }
    }

    private CancellationTokenRegistration StartTimer(CancellationToken cancellationToken)
    {
        _timeout.CancelAfter(_options.ReplyTimeout);
        return cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _timeout)
            : default;
    }

    private void StopTimer()
    {
        if (!_timeout.TryReset())
        {
            _faulted = true;
        }
    }

    private Exception Fault(Exception exception, CancellationToken cancellationToken)
    {
        _faulted = true;
        if (exception is OperationCanceledException)
        {
            return cancellationToken.IsCancellationRequested
                ? new OperationCanceledException("The milter exchange was cancelled.", exception, cancellationToken)
                : new TimeoutException($"The milter did not answer within {_options.ReplyTimeout}.", exception);
        }

        return exception;
    }

    private T Guard<T>(Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (MilterClientProtocolException)
        {
            _faulted = true;
            throw;
        }
    }

    private async Task<MilterTransactionResult> EndEarlyAsync(MilterCommandCode command, MilterClientReply reply, CancellationToken cancellationToken)
    {
        await AbortAsync(cancellationToken).ConfigureAwait(false);
        return new MilterTransactionResult(command, reply, null);
    }

    private MilterNegotiationResult EnsureNegotiated()
    {
        EnsureUsable();
        return _negotiation ?? throw new InvalidOperationException("Negotiate options before sending stage commands.");
    }

    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted)
        {
            throw new InvalidOperationException("The milter client is faulted after an earlier I/O error, timeout or protocol violation.");
        }
    }
}
