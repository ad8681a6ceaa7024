using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Milter.Benchmarks.Codec;

/// <summary>
/// The bytes Postfix sends for one SMTP session: option negotiation, each stage preceded by its macros (Postfix's
/// default lists), connect, helo, then per message mail and rcpt with ESMTP arguments, data, 20 header fields,
/// end of headers, a 12,000-byte body in three chunks and end of message; quit. Encoded here, apart from the engine's codec.
/// </summary>
internal static class MilterTranscript
{
    private const int BodyChunks = 3;
    private const int BodyChunkSize = 4000;

    private static readonly (string Name, string Value)[] Headers =
    [
        ("Received", " from mail-out.lists.example.org (mail-out.lists.example.org [203.0.113.25])\r\n\tby mx.example.test (Postfix) with ESMTPS id 4Z1k2m3N4pQ5\r\n\tfor <bob@example.test>; Tue, 14 Jan 2025 09:12:44 +0000 (UTC)"),
        ("Received", " from list-engine.internal (list-engine.internal [10.1.2.3])\r\n\tby mail-out.lists.example.org (Postfix) with ESMTP id 7A8B9C0D1E\r\n\tfor <bob@example.test>; Tue, 14 Jan 2025 09:12:43 +0000 (UTC)"),
        ("Received", " by list-engine.internal (Postfix, from userid 1001)\r\n\tid 1F2E3D4C5B; Tue, 14 Jan 2025 09:12:43 +0000 (UTC)"),
        ("DKIM-Signature", " v=1; a=rsa-sha256; c=relaxed/relaxed; d=lists.example.org;\r\n\ts=sel2025; t=1736845963; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n\th=From:To:Subject:Date:Message-ID:List-Id:List-Unsubscribe;\r\n\tb=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaGFzIHRoZSByaWdodCBzaGFwZQ\r\n\t dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaGFzIHRoZSByaWdodCBzaGFwZQ=="),
        ("Authentication-Results", " mail-out.lists.example.org; spf=pass smtp.mailfrom=list-engine.internal"),
        ("From", " \"Example Newsletter\" <newsletter@lists.example.org>"),
        ("Reply-To", " <no-reply@lists.example.org>"),
        ("To", " Bob <bob@example.test>"),
        ("Cc", " archive@lists.example.org"),
        ("Subject", " =?UTF-8?Q?Your_weekly_digest_=E2=80=94_January?="),
        ("Date", " Tue, 14 Jan 2025 09:12:43 +0000"),
        ("Message-ID", " <20250114091243.1F2E3D4C5B@list-engine.internal>"),
        ("MIME-Version", " 1.0"),
        ("Content-Type", " text/plain; charset=utf-8; format=flowed"),
        ("Content-Transfer-Encoding", " 8bit"),
        ("List-Id", " Example Weekly <weekly.lists.example.org>"),
        ("List-Unsubscribe", " <https://lists.example.org/unsubscribe?u=bob%40example.test&l=weekly>,\r\n <mailto:unsubscribe@lists.example.org?subject=weekly>"),
        ("List-Unsubscribe-Post", " List-Unsubscribe=One-Click"),
        ("Precedence", " list"),
        ("X-Mailer", " ExampleList 4.2"),
    ];

    /// <summary>Encodes a session that sends <paramref name="messages"/> messages.</summary>
    public static byte[] Build(int messages)
    {
        var output = new ArrayBufferWriter<byte>(32 * 1024);
        Span<byte> offer = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(offer, 6);
        BinaryPrimitives.WriteUInt32BigEndian(offer[4..], 0x1FF);
        BinaryPrimitives.WriteUInt32BigEndian(offer[8..], 0x1FFFFF);
        Packet(output, 'O', offer);

        Macros(output, 'C', "j", "mx.example.test", "{daemon_name}", "smtpd", "{daemon_addr}", "192.0.2.10", "v", "Postfix 3.8.6", "_", "mail-out.lists.example.org [203.0.113.25]");
        Packet(output, 'C', [.. Strings("mail-out.lists.example.org"), (byte)'4', 0xC3, 0x50, .. Strings("203.0.113.25")]);
        Macros(output, 'H', "{tls_version}", "TLSv1.3", "{cipher}", "TLS_AES_256_GCM_SHA384", "{cipher_bits}", "256", "{cert_subject}", "", "{cert_issuer}", "");
        Packet(output, 'H', Strings("mail-out.lists.example.org"));
        var body = BodyChunk();
        for (var i = 0; i < messages; i++)
        {
            Message(output, body);
        }

        Packet(output, 'Q', []);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Splits <paramref name="bytes"/> into segments of <paramref name="segmentSize"/> bytes, as a socket pipe may deliver them.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentSize)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(segmentSize, bytes.Length)), null);
        var last = first;
        for (var start = segmentSize; start < bytes.Length; start += segmentSize)
        {
            last = new Segment(bytes.AsMemory(start, Math.Min(segmentSize, bytes.Length - start)), last);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private static void Message(ArrayBufferWriter<byte> output, byte[] bodyChunk)
    {
        Macros(output, 'M', "i", "4Z1k2m3N4pQ5", "{auth_type}", "", "{auth_authen}", "", "{mail_addr}", "newsletter@lists.example.org", "{mail_host}", "mail-out.lists.example.org", "{mail_mailer}", "smtp");
        Packet(output, 'M', Strings("<newsletter@lists.example.org>", "BODY=8BITMIME", "SIZE=16384"));
        Macros(output, 'R', "i", "4Z1k2m3N4pQ5", "{rcpt_addr}", "bob@example.test", "{rcpt_host}", "", "{rcpt_mailer}", "local");
        Packet(output, 'R', Strings("<bob@example.test>", "ORCPT=rfc822;bob@example.test"));
        Macros(output, 'T', "i", "4Z1k2m3N4pQ5");
        Packet(output, 'T', []);
        foreach (var (name, value) in Headers)
        {
            Packet(output, 'L', Strings(name, value));
        }

        Macros(output, 'N', "i", "4Z1k2m3N4pQ5");
        Packet(output, 'N', []);
        for (var i = 0; i < BodyChunks; i++)
        {
            Packet(output, 'B', bodyChunk);
        }

        Macros(output, 'E', "i", "4Z1k2m3N4pQ5");
        Packet(output, 'E', []);
    }

    private static byte[] BodyChunk()
    {
        var line = "The quick brown fox jumps over the lazy dog; digest item text, wrapped at 78 characters.\r\n"u8;
        var chunk = new byte[BodyChunkSize];
        for (var position = 0; position < chunk.Length; position += line.Length)
        {
            line[..Math.Min(line.Length, chunk.Length - position)].CopyTo(chunk.AsSpan(position));
        }

        return chunk;
    }

    private static void Macros(ArrayBufferWriter<byte> output, char stage, params string[] namesAndValues) =>
        Packet(output, 'D', [(byte)stage, .. Strings(namesAndValues)]);

    private static byte[] Strings(params string[] values) => Encoding.UTF8.GetBytes(string.Concat(values.Select(value => value + "\0")));

    private static void Packet(ArrayBufferWriter<byte> output, char command, ReadOnlySpan<byte> data)
    {
        var span = output.GetSpan(5 + data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)data.Length + 1);
        span[4] = (byte)command;
        data.CopyTo(span[5..]);
        output.Advance(5 + data.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
