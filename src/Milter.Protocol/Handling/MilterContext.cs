namespace Milter.Protocol.Handling;

/// <summary>
/// What the session knows about the current SMTP session and message. The session updates it as
/// commands arrive; handlers read it. Message fields are cleared by ABORT and after end of message.
/// </summary>
public sealed class MilterContext
{
    private readonly Dictionary<string, string> _macros = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _connectionMacros = new(StringComparer.Ordinal);
    private readonly List<MilterEnvelopeAddress> _recipients = [];
    private readonly List<MilterHeader> _headers = [];

    /// <summary>The client, once SMFIC_CONNECT arrived.</summary>
    public MilterConnectionInfo? Connection { get; internal set; }

    /// <summary>The HELO/EHLO argument, once received.</summary>
    public string? Helo { get; internal set; }

    /// <summary>The envelope sender of the current message.</summary>
    public MilterEnvelopeAddress? Sender { get; internal set; }

    /// <summary>The envelope recipients of the current message, in order.</summary>
    public IReadOnlyList<MilterEnvelopeAddress> Recipients => _recipients;

    /// <summary>The header fields of the current message in the order received.</summary>
    public IReadOnlyList<MilterHeader> Headers => _headers;

    /// <summary>The macros in effect: connection macros (CONNECT, HELO) until the SMTP session ends, message macros until the message ends.</summary>
    public IReadOnlyDictionary<string, string> Macros => _macros;

    /// <summary>The MTA's queue id (macro <c>i</c>); Postfix sets it only after DATA.</summary>
    public string? QueueId => _macros.TryGetValue("i", out var id) ? id : _macros.GetValueOrDefault("{i}");

    /// <summary>Number of messages started on this connection.</summary>
    public int MessageCount { get; internal set; }

    /// <summary>Looks a macro up by name, with or without braces (<c>{auth_authen}</c> or <c>auth_authen</c>).</summary>
    /// <param name="name">The macro name.</param>
    /// <returns>The value, or null when the MTA did not send it.</returns>
    public string? Macro(string name)
    {
        if (_macros.TryGetValue(name, out var value))
        {
            return value;
        }

        var alternative = name.StartsWith('{') ? name.Trim('{', '}') : "{" + name + "}";
        return _macros.TryGetValue(alternative, out value) ? value : null;
    }

    /// <summary>Stores a macro; connection-stage macros (CONNECT, HELO) also survive message resets.</summary>
    internal void SetMacro(string name, string value, bool connectionStage)
    {
        _macros[name] = value;
        if (connectionStage)
        {
            _connectionMacros[name] = value;
        }
    }

    internal void RemoveLastRecipient() => _recipients.RemoveAt(_recipients.Count - 1);

    internal void AddRecipient(MilterEnvelopeAddress recipient) => _recipients.Add(recipient);

    internal void AddHeader(MilterHeader header) => _headers.Add(header);

    internal void ResetMessage()
    {
        Sender = null;
        _recipients.Clear();
        _headers.Clear();

        // Drop message-stage macros; a message macro that shadowed a connection macro gets the connection value back.
        _macros.Clear();
        foreach (var (name, value) in _connectionMacros)
        {
            _macros[name] = value;
        }
    }

    internal void ResetConnection()
    {
        ResetMessage();
        Connection = null;
        Helo = null;
        _connectionMacros.Clear();
        _macros.Clear();
    }
}
