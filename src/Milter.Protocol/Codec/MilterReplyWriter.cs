using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Milter.Protocol.Handling;

namespace Milter.Protocol.Codec;

/// <summary>
/// Writes milter replies (SMFIR_*) straight into an <see cref="IBufferWriter{T}"/>, without intermediate arrays.
/// Pure: nothing is flushed; the caller flushes once per command. Strings are encoded as UTF-8 and NUL-terminated.
/// </summary>
/// <remarks>Every reply is framed as <c>uint32 length (big-endian, counts the code byte) | code | data</c>.</remarks>
public static class MilterReplyWriter
{
    /// <summary>Largest body chunk in one SMFIR_REPLBODY packet (libmilter MILTER_CHUNK_SIZE).</summary>
    public const int MaxReplaceBodyChunk = 65535;

    private const int HeaderSize = MilterFrameReader.LengthPrefixSize + 1;

    /// <summary>Writes a reply that carries no data: continue, accept, reject, tempfail, discard, skip, progress, shutdown, conn_fail.</summary>
    /// <exception cref="ArgumentException"><paramref name="code"/> is a reply that needs data.</exception>
    public static void WriteCode(IBufferWriter<byte> writer, MilterReplyCode code)
    {
        if (code is not (MilterReplyCode.Continue or MilterReplyCode.Accept or MilterReplyCode.Reject or MilterReplyCode.Tempfail
            or MilterReplyCode.Discard or MilterReplyCode.Skip or MilterReplyCode.Progress or MilterReplyCode.Shutdown
            or MilterReplyCode.ConnectionFailure))
        {
            throw new ArgumentException($"Reply '{(char)code}' carries data; use its own Write method.", nameof(code));
        }

        var span = writer.GetSpan(HeaderSize);
        WriteHeader(span, code, 0);
        writer.Advance(HeaderSize);
    }

    /// <summary>Writes a stage verdict; <see cref="MilterDecisionKind.Reply"/> becomes SMFIR_REPLYCODE.</summary>
    public static void WriteDecision(IBufferWriter<byte> writer, MilterDecision decision)
    {
        switch (decision.Kind)
        {
            case MilterDecisionKind.Reply:
                WriteReplyCode(writer, decision.SmtpCode!, decision.EnhancedCode!, decision.Text!);
                break;
            case MilterDecisionKind.Accept:
                WriteCode(writer, MilterReplyCode.Accept);
                break;
            case MilterDecisionKind.Reject:
                WriteCode(writer, MilterReplyCode.Reject);
                break;
            case MilterDecisionKind.Tempfail:
                WriteCode(writer, MilterReplyCode.Tempfail);
                break;
            case MilterDecisionKind.Discard:
                WriteCode(writer, MilterReplyCode.Discard);
                break;
            case MilterDecisionKind.Skip:
                WriteCode(writer, MilterReplyCode.Skip);
                break;
            default:
                WriteCode(writer, MilterReplyCode.Continue);
                break;
        }
    }

    /// <summary>
    /// Writes SMFIR_REPLYCODE with the text <c>"{smtpCode} {enhancedCode} {text}"</c>. Every <c>%</c> is doubled
    /// because the MTA treats the text as a format string.
    /// </summary>
    /// <exception cref="ArgumentException">The code does not start with 4 or 5, or a part contains NUL.</exception>
    public static void WriteReplyCode(IBufferWriter<byte> writer, string smtpCode, string enhancedCode, string text)
    {
        if (smtpCode.Length != 3 || (smtpCode[0] != '4' && smtpCode[0] != '5'))
        {
            throw new ArgumentException($"SMTP reply code '{smtpCode}' must be three characters starting with 4 or 5.", nameof(smtpCode));
        }

        var dataLength = EscapedLength(smtpCode, nameof(smtpCode)) + 1 + EscapedLength(enhancedCode, nameof(enhancedCode)) + 1
            + EscapedLength(text, nameof(text)) + 1;
        var span = writer.GetSpan(HeaderSize + dataLength);
        WriteHeader(span, MilterReplyCode.ReplyCode, dataLength);
        var position = HeaderSize;
        position += WriteEscaped(span[position..], smtpCode);
        span[position++] = (byte)' ';
        position += WriteEscaped(span[position..], enhancedCode);
        span[position++] = (byte)' ';
        position += WriteEscaped(span[position..], text);
        span[position] = 0;
        writer.Advance(HeaderSize + dataLength);
    }

    /// <summary>Writes SMFIR_ADDHEADER: append a header.</summary>
    /// <exception cref="ArgumentException">The name or value contains NUL.</exception>
    public static void WriteAddHeader(IBufferWriter<byte> writer, string name, string value) =>
        WriteStrings(writer, MilterReplyCode.AddHeader, null, name, value);

    /// <summary>Writes SMFIR_INSHEADER: insert a header before the <paramref name="index"/>-th (0 = very top).</summary>
    /// <exception cref="ArgumentException">The name or value contains NUL.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static void WriteInsertHeader(IBufferWriter<byte> writer, int index, string name, string value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        WriteStrings(writer, MilterReplyCode.InsertHeader, (uint)index, name, value);
    }

    /// <summary>Writes SMFIR_CHGHEADER: replace the <paramref name="occurrence"/>-th (1-based) header of that name; an empty value deletes it.</summary>
    /// <exception cref="ArgumentException">The name or value contains NUL.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="occurrence"/> is less than 1.</exception>
    public static void WriteChangeHeader(IBufferWriter<byte> writer, int occurrence, string name, string value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(occurrence, 1);
        WriteStrings(writer, MilterReplyCode.ChangeHeader, (uint)occurrence, name, value);
    }

    /// <summary>Writes SMFIR_CHGFROM: a new envelope sender and optional ESMTP arguments.</summary>
    /// <exception cref="ArgumentException">A string contains NUL.</exception>
    public static void WriteChangeFrom(IBufferWriter<byte> writer, string sender, string? parameters) =>
        WriteStrings(writer, MilterReplyCode.ChangeFrom, null, sender, parameters);

    /// <summary>Writes SMFIR_ADDRCPT.</summary>
    /// <exception cref="ArgumentException">The recipient contains NUL.</exception>
    public static void WriteAddRecipient(IBufferWriter<byte> writer, string recipient) =>
        WriteStrings(writer, MilterReplyCode.AddRecipient, null, recipient, null);

    /// <summary>Writes SMFIR_ADDRCPT_PAR: a recipient with optional ESMTP arguments.</summary>
    /// <exception cref="ArgumentException">A string contains NUL.</exception>
    public static void WriteAddRecipientWithParameters(IBufferWriter<byte> writer, string recipient, string? parameters) =>
        WriteStrings(writer, MilterReplyCode.AddRecipientWithParameters, null, recipient, parameters);

    /// <summary>Writes SMFIR_DELRCPT.</summary>
    /// <exception cref="ArgumentException">The recipient contains NUL.</exception>
    public static void WriteDeleteRecipient(IBufferWriter<byte> writer, string recipient) =>
        WriteStrings(writer, MilterReplyCode.DeleteRecipient, null, recipient, null);

    /// <summary>Writes SMFIR_QUARANTINE with a reason.</summary>
    /// <exception cref="ArgumentException">The reason contains NUL.</exception>
    public static void WriteQuarantine(IBufferWriter<byte> writer, string reason) =>
        WriteStrings(writer, MilterReplyCode.Quarantine, null, reason, null);

    /// <summary>Writes one SMFIR_REPLBODY chunk (raw bytes, no NUL); call repeatedly for larger bodies.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The chunk is longer than <see cref="MaxReplaceBodyChunk"/>.</exception>
    public static void WriteReplaceBody(IBufferWriter<byte> writer, ReadOnlySpan<byte> chunk)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunk.Length, MaxReplaceBodyChunk, nameof(chunk));
        var span = writer.GetSpan(HeaderSize + chunk.Length);
        WriteHeader(span, MilterReplyCode.ReplaceBody, chunk.Length);
        chunk.CopyTo(span[HeaderSize..]);
        writer.Advance(HeaderSize + chunk.Length);
    }

    /// <summary>
    /// Writes the SMFIC_OPTNEG reply: version, actions, protocol flags, then for each stage in
    /// <paramref name="macros"/> (in stage order) the uint32 stage and its space-separated macro names.
    /// </summary>
    /// <param name="writer">The output.</param>
    /// <param name="options">The chosen version, actions and flags.</param>
    /// <param name="macros">SETSYMLIST lists, or null to send none.</param>
    /// <exception cref="ArgumentException">A macro name is empty or contains NUL or a space.</exception>
    public static void WriteOptionNegotiation(IBufferWriter<byte> writer, MilterOptionNegotiation options, IReadOnlyDictionary<MacroStage, IReadOnlyList<string>>? macros)
    {
        var dataLength = 12;
        if (macros is not null)
        {
            foreach (var (_, names) in macros)
            {
                dataLength += 4 + MacroListLength(names) + 1;
            }
        }

        var span = writer.GetSpan(HeaderSize + dataLength);
        WriteHeader(span, MilterReplyCode.OptionNegotiation, dataLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[HeaderSize..], options.Version);
        BinaryPrimitives.WriteUInt32BigEndian(span[(HeaderSize + 4)..], (uint)options.Actions);
        BinaryPrimitives.WriteUInt32BigEndian(span[(HeaderSize + 8)..], (uint)options.Protocol);
        var position = HeaderSize + 12;
        if (macros is not null)
        {
            for (var stage = MacroStage.Connect; stage <= MacroStage.EndOfHeaders; stage++)
            {
                if (!macros.TryGetValue(stage, out var names))
                {
                    continue;
                }

                BinaryPrimitives.WriteUInt32BigEndian(span[position..], (uint)stage);
                position += 4;
                for (var i = 0; i < names.Count; i++)
                {
                    if (i > 0)
                    {
                        span[position++] = (byte)' ';
                    }

                    position += Encoding.UTF8.GetBytes(names[i], span[position..]);
                }

                span[position++] = 0;
            }
        }

        writer.Advance(HeaderSize + dataLength);
    }

    private static int MacroListLength(IReadOnlyList<string> names)
    {
        var length = Math.Max(0, names.Count - 1);
        foreach (var name in names)
        {
            if (name.Length == 0 || name.AsSpan().IndexOfAny('\0', ' ') >= 0)
            {
                throw new ArgumentException($"Macro name '{name}' must be non-empty without NUL or spaces.", nameof(names));
            }

            length += Encoding.UTF8.GetByteCount(name);
        }

        return length;
    }

    private static void WriteStrings(IBufferWriter<byte> writer, MilterReplyCode code, uint? index, string first, string? second)
    {
        var dataLength = (index is null ? 0 : 4) + CheckedLength(first, nameof(first)) + 1 + (second is null ? 0 : CheckedLength(second, nameof(second)) + 1);
        var span = writer.GetSpan(HeaderSize + dataLength);
        WriteHeader(span, code, dataLength);
        var position = HeaderSize;
        if (index is { } value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[position..], value);
            position += 4;
        }

        position += Encoding.UTF8.GetBytes(first, span[position..]);
        span[position++] = 0;
        if (second is not null)
        {
            position += Encoding.UTF8.GetBytes(second, span[position..]);
            span[position] = 0;
        }

        writer.Advance(HeaderSize + dataLength);
    }

    private static void WriteHeader(Span<byte> span, MilterReplyCode code, int dataLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)dataLength + 1);
        span[MilterFrameReader.LengthPrefixSize] = (byte)code;
    }

    private static int CheckedLength(string value, string parameterName)
    {
        if (value.Contains('\0'))
        {
            throw new ArgumentException("Milter strings are NUL-terminated and cannot contain NUL.", parameterName);
        }

        return Encoding.UTF8.GetByteCount(value);
    }

    private static int EscapedLength(string value, string parameterName) =>
        CheckedLength(value, parameterName) + value.AsSpan().Count('%');

    private static int WriteEscaped(Span<byte> destination, string value)
    {
        var rest = value.AsSpan();
        var written = 0;
        int percent;
        while ((percent = rest.IndexOf('%')) >= 0)
        {
            written += Encoding.UTF8.GetBytes(rest[..percent], destination[written..]);
            destination[written++] = (byte)'%';
            destination[written++] = (byte)'%';
            rest = rest[(percent + 1)..];
        }

        return written + Encoding.UTF8.GetBytes(rest, destination[written..]);
    }
}
