using System.IO.Compression;
using MimeKit;

namespace Milter.TestKit.Mail;

/// <summary>Reads the gzip-compressed report a report mail carries.</summary>
public static class ReportAttachment
{
    /// <summary>The decompressed content of <paramref name="part"/> (transfer encoding and gzip undone), positioned at its start.</summary>
    public static MemoryStream Gunzip(MimePart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        using var compressed = new MemoryStream();
        part.Content!.DecodeTo(compressed);
        compressed.Position = 0;
        var content = new MemoryStream();
        using (var gunzip = new GZipStream(compressed, CompressionMode.Decompress))
        {
            gunzip.CopyTo(content);
        }

        content.Position = 0;
        return content;
    }
}
