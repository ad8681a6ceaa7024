using System.IO.Compression;
using MimeKit;

namespace Milter.Reporting.Incoming;

/// <summary>
/// Finds the aggregate report documents a message carries (RFC 9990 section 5: an XML file, gzip- or zip-compressed
/// or not, as an attachment or as the whole body) and unpacks them within <see cref="ReportAttachmentLimits"/>.
/// </summary>
public sealed class ReportAttachmentExtractor
{
    private const int BufferSize = 64 * 1024;

    private static readonly HashSet<string> ReportMimeTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/gzip", "application/x-gzip", "application/zip", "application/x-zip-compressed", "application/x-zip",
        "text/xml", "application/xml",
    };

    private readonly ReportAttachmentLimits _limits;

    /// <summary>Creates an extractor with <paramref name="limits"/>, or the default limits.</summary>
    public ReportAttachmentExtractor(ReportAttachmentLimits? limits = null)
    {
        _limits = limits ?? new ReportAttachmentLimits();
    }

    private enum Packing
    {
        Plain,
        Gzip,
        Zip,
    }

    /// <summary>
    /// The report documents in <paramref name="message"/>, in the order of its parts; empty when it carries none
    /// (it is not a report). Parts are taken by MIME type, or by file name (<c>.xml</c>, <c>.xml.gz</c>, <c>.gz</c>,
    /// <c>.zip</c>) when the type is generic such as <c>application/octet-stream</c>; gzip and zip are recognized by
    /// their magic bytes whatever the label says.
    /// </summary>
    /// <exception cref="ReportAttachmentException">
    /// A report part is a broken archive, a document or the whole part is larger than
    /// <see cref="ReportAttachmentLimits.MaxDocumentBytes"/>, inflating exceeds <see cref="ReportAttachmentLimits.MaxCompressionRatio"/>,
    /// a zip has more than <see cref="ReportAttachmentLimits.MaxZipEntries"/> entries, or there are more than
    /// <see cref="ReportAttachmentLimits.MaxDocuments"/> documents.
    /// </exception>
    public IReadOnlyList<ReportDocument> Extract(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var documents = new List<ReportDocument>();
        foreach (var part in message.BodyParts.OfType<MimePart>())
        {
            if (!IsReportPart(part) || part.Content is not { } content)
            {
                continue;
            }

            var name = part.FileName ?? part.ContentType.MimeType;
            var encoded = Decode(content, name);
            foreach (var document in Unpack(encoded, name))
            {
                documents.Add(document);
                if (documents.Count > _limits.MaxDocuments)
                {
                    throw new ReportAttachmentException($"the message carries more than {_limits.MaxDocuments} report documents");
                }
            }
        }

        return documents;
    }

    private static bool IsReportPart(MimePart part)
    {
        if (ReportMimeTypes.Contains(part.ContentType.MimeType))
        {
            return true;
        }

        var fileName = part.FileName;
        return fileName is not null
            && (fileName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
                || fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                || fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase));
    }

    private MemoryStream Decode(IMimeContent content, string name)
    {
        // The encoded text is already in memory (the MTA bounds the message); decoding only shrinks it.
        var decoded = new MemoryStream();
        content.DecodeTo(decoded);
        if (decoded.Length > _limits.MaxDocumentBytes)
        {
            throw new ReportAttachmentException($"{name}: the attachment is larger than {_limits.MaxDocumentBytes} bytes");
        }

        decoded.Position = 0;
        return decoded;
    }

    private IEnumerable<ReportDocument> Unpack(MemoryStream encoded, string name) => Sniff(encoded) switch
    {
        Packing.Gzip => [Gunzip(encoded, name)],
        Packing.Zip => Unzip(encoded, name),
        _ => [new ReportDocument(name, ReadOnly(encoded.GetBuffer(), (int)encoded.Length))],
    };

    private static Packing Sniff(MemoryStream content)
    {
        var bytes = content.GetBuffer().AsSpan(0, (int)content.Length);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]))
        {
            return Packing.Gzip;
        }

        return bytes.StartsWith("PK\x03\x04"u8) || bytes.StartsWith("PK\x05\x06"u8) ? Packing.Zip : Packing.Plain;
    }

    private ReportDocument Gunzip(MemoryStream compressed, string name)
    {
        var documentName = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;
        try
        {
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            return new ReportDocument(documentName, Inflate(gzip, compressed.Length, name));
        }
        catch (InvalidDataException exception)
        {
            throw new ReportAttachmentException($"{name}: broken gzip data: {exception.Message}", exception);
        }
    }

    private List<ReportDocument> Unzip(MemoryStream compressed, string name)
    {
        try
        {
            using var archive = new ZipArchive(compressed, ZipArchiveMode.Read);
            if (archive.Entries.Count > _limits.MaxZipEntries)
            {
                throw new ReportAttachmentException($"{name}: the zip has {archive.Entries.Count} entries, more than {_limits.MaxZipEntries}");
            }

            var documents = new List<ReportDocument>();
            foreach (var entry in archive.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                var entryName = $"{name}/{entry.FullName}";

                // The declared sizes are only the sender's word; Inflate enforces the limits on what really comes out.
                if (entry.Length > _limits.MaxDocumentBytes)
                {
                    throw new ReportAttachmentException($"{entryName}: declares {entry.Length} bytes, more than {_limits.MaxDocumentBytes}");
                }

                using var content = entry.Open();
                documents.Add(new ReportDocument(entryName, Inflate(content, Math.Max(entry.CompressedLength, 1), entryName)));
            }

            return documents;
        }
        catch (InvalidDataException exception)
        {
            throw new ReportAttachmentException($"{name}: broken zip archive: {exception.Message}", exception);
        }
    }

    private MemoryStream Inflate(Stream source, long compressedLength, string name)
    {
        var output = new MemoryStream();
        var buffer = new byte[BufferSize];
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            if (output.Length + read > _limits.MaxDocumentBytes)
            {
                throw new ReportAttachmentException($"{name}: inflates to more than {_limits.MaxDocumentBytes} bytes; refused as a possible decompression bomb");
            }

            output.Write(buffer, 0, read);
            if (output.Length > ReportAttachmentLimits.RatioCheckThreshold && output.Length > compressedLength * _limits.MaxCompressionRatio)
            {
                throw new ReportAttachmentException(
                    $"{name}: inflates more than {_limits.MaxCompressionRatio} times its compressed size of {compressedLength} bytes; refused as a possible decompression bomb");
            }
        }

        return ReadOnly(output.GetBuffer(), (int)output.Length);
    }

    private static MemoryStream ReadOnly(byte[] buffer, int length) => new(buffer, 0, length, writable: false);
}
