using System.Buffers;
using System.Net.Sockets;
using System.Text;

namespace Milter.Protocol.Handling;

/// <summary>
/// Drives a handler through one SMTP transaction read from a message file, in the order and with the header
/// bytes an MTA would give it (values as after the colon, folds as CRLF, as with SMFIP_HDR_LEADSPC): for admin
/// tools that show what the milter would do with a message, without an MTA.
/// </summary>
public static class MilterReplay
{
    private const int BodyChunk = 64 * 1024;

    /// <summary>Replays <paramref name="message"/> through <paramref name="handler"/>, stage by stage, as far as the handler lets it.</summary>
    /// <exception cref="FormatException">The message has a header line that is neither a field nor a continuation.</exception>
    public static async Task<MilterReplayResult> RunAsync(IMilterHandler handler, MilterReplayMessage message, CancellationToken cancellationToken)
    {
        var stages = handler.Requirements.Stages;
        var context = new MilterContext
        {
            Connection = new MilterConnectionInfo(
                message.ClientName,
                message.ClientAddress.AddressFamily == AddressFamily.InterNetworkV6 ? MilterAddressFamily.Inet6 : MilterAddressFamily.Inet,
                message.ClientAddress,
                0,
                null),
            Helo = message.Helo,
        };
        context.SetMacro("{client_addr}", message.ClientAddress.ToString(), connectionStage: true);
        context.SetMacro("{client_name}", message.ClientName, connectionStage: true);
        var (headers, body) = Split(message.Message);
        try
        {
            if (await StageAsync(MilterStages.Connect, h => h.OnConnectAsync(context, cancellationToken)) is { } connect)
            {
                return connect;
            }

            if (await StageAsync(MilterStages.Helo, h => h.OnHeloAsync(context, cancellationToken)) is { } helo)
            {
                return helo;
            }

            context.Sender = new MilterEnvelopeAddress(message.Sender, []);
            context.MessageCount++;
            if (await StageAsync(MilterStages.MailFrom, h => h.OnMailFromAsync(context, cancellationToken)) is { } mail)
            {
                return mail;
            }

            foreach (var recipient in message.Recipients)
            {
                context.AddRecipient(new MilterEnvelopeAddress(recipient, []));
                if (await StageAsync(MilterStages.Recipient, h => h.OnRecipientAsync(context, cancellationToken)) is { } rcpt)
                {
                    return rcpt;
                }
            }

            if (await StageAsync(MilterStages.Data, h => h.OnDataAsync(context, cancellationToken)) is { } data)
            {
                return data;
            }

            foreach (var header in headers)
            {
                context.AddHeader(header);
                if (await StageAsync(MilterStages.Header, h => h.OnHeaderAsync(context, header, cancellationToken)) is { } refused)
                {
                    return refused;
                }
            }

            if (await StageAsync(MilterStages.EndOfHeaders, h => h.OnEndOfHeadersAsync(context, cancellationToken)) is { } eoh)
            {
                return eoh;
            }

            for (var offset = 0; (stages & MilterStages.Body) != 0 && offset < body.Length; offset += BodyChunk)
            {
                var chunk = body.Slice(offset, Math.Min(BodyChunk, body.Length - offset));
                var decision = await handler.OnBodyChunkAsync(context, new ReadOnlySequence<byte>(chunk), cancellationToken).ConfigureAwait(false);
                if (decision.Kind == MilterDecisionKind.Skip)
                {
                    break;
                }

                if (decision.Kind != MilterDecisionKind.Continue)
                {
                    return new MilterReplayResult(MilterStages.Body, decision, null);
                }
            }

            var result = await handler.OnEndOfMessageAsync(context, NoProgress.Instance, cancellationToken).ConfigureAwait(false);
            return new MilterReplayResult(null, result.Decision, result);
        }
        finally
        {
            handler.OnMessageReset(context);
            handler.OnConnectionReset(context);
        }

        async Task<MilterReplayResult?> StageAsync(MilterStages stage, Func<IMilterHandler, ValueTask<MilterDecision>> call)
        {
            if ((stages & stage) == 0)
            {
                return null;
            }

            var decision = await call(handler).ConfigureAwait(false);
            return decision.Kind is MilterDecisionKind.Continue or MilterDecisionKind.Skip ? null : new MilterReplayResult(stage, decision, null);
        }
    }

    /// <summary>Splits a message into header fields (values as an MTA passes them) and the CRLF body.</summary>
    private static (List<MilterHeader> Headers, ReadOnlyMemory<byte> Body) Split(ReadOnlyMemory<byte> message)
    {
        var text = Encoding.UTF8.GetString(message.Span).ReplaceLineEndings("\r\n");
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headerText = end < 0 ? text : text[..(end + 2)];
        var body = end < 0 ? [] : Encoding.UTF8.GetBytes(text[(end + 4)..]);
        var headers = new List<MilterHeader>();
        foreach (var line in headerText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            if (line[0] is ' ' or '\t' && headers.Count > 0)
            {
                headers[^1] = headers[^1] with { Value = headers[^1].Value + "\r\n" + line };
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"Header line '{line}' is neither a field nor a continuation.");
            }

            headers.Add(new MilterHeader(line[..colon], line[(colon + 1)..]));
        }

        return (headers, body);
    }

    private sealed class NoProgress : IMilterProgress
    {
        public static readonly NoProgress Instance = new();

        public ValueTask ReportAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
