namespace Milter.Reporting.Aggregate;

/// <summary>Limits for <see cref="AggregateReportReader"/>; reports come from strangers, so their size is bounded.</summary>
public sealed class AggregateReadOptions
{
    /// <summary>The default of <see cref="MaxCharactersInDocument"/>: 64 Mi characters.</summary>
    public const long DefaultMaxCharactersInDocument = 64L * 1024 * 1024;

    private long _maxCharactersInDocument = DefaultMaxCharactersInDocument;

    /// <summary>
    /// The most characters an XML document may have (after decompression, which is the caller's business). Defaults to
    /// 67,108,864 (64 Mi), far above the largest reports big receivers send, small enough to keep a hostile one from
    /// exhausting memory. A larger document is refused with <see cref="AggregateReportFormatException"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public long MaxCharactersInDocument
    {
        get => _maxCharactersInDocument;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxCharactersInDocument = value;
        }
    }
}
