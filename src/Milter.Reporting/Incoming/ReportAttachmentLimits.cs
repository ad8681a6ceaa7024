namespace Milter.Reporting.Incoming;

/// <summary>
/// Hard limits on what <see cref="ReportAttachmentExtractor"/> unpacks from one message. Anyone can mail our report
/// address, so a compressed attachment is inflated only up to these bounds: a decompression bomb fails with
/// <see cref="ReportAttachmentException"/> long before memory runs out.
/// </summary>
public sealed class ReportAttachmentLimits
{
    private readonly long _maxDocumentBytes = 32 * 1024 * 1024;
    private readonly int _maxZipEntries = 10;
    private readonly int _maxCompressionRatio = 200;
    private readonly int _maxDocuments = 10;

    /// <summary>Largest report document, after decoding and decompressing, in bytes. Defaults to 32 MiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 KiB or above 1 GiB.</exception>
    public long MaxDocumentBytes
    {
        get => _maxDocumentBytes;
        init => _maxDocumentBytes = InRange(value, 1024, 1024L * 1024 * 1024);
    }

    /// <summary>Most entries (files and folders) a zip attachment may have. Defaults to 10.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 1,000.</exception>
    public int MaxZipEntries
    {
        get => _maxZipEntries;
        init => _maxZipEntries = (int)InRange(value, 1, 1000);
    }

    /// <summary>
    /// Most bytes inflated per compressed byte (checked once a document passes <see cref="RatioCheckThreshold"/>).
    /// Aggregate reports compress about 10 to 50 times; bombs a thousand times and more. Defaults to 200.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 2 or above 100,000.</exception>
    public int MaxCompressionRatio
    {
        get => _maxCompressionRatio;
        init => _maxCompressionRatio = (int)InRange(value, 2, 100_000);
    }

    /// <summary>Most report documents taken from one message. Defaults to 10.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 1,000.</exception>
    public int MaxDocuments
    {
        get => _maxDocuments;
        init => _maxDocuments = (int)InRange(value, 1, 1000);
    }

    /// <summary>
    /// Output size below which the ratio is not checked: a small document may compress well without being a bomb.
    /// Fixed at 1 MiB.
    /// </summary>
    public static long RatioCheckThreshold => 1024 * 1024;

    private static long InRange(long value, long min, long max) =>
        value < min || value > max ? throw new ArgumentOutOfRangeException(nameof(value), value, $"must be between {min} and {max}") : value;
}
