namespace Milter.Reporting;

/// <summary>
/// One reporting period, [<see cref="Begin"/>, <see cref="End"/>): periods of one length follow each other from
/// 00:00 UTC, so every milter sharing a database cuts the same periods (RFC 9990 section 3.2 asks for whole UTC days
/// by default).
/// </summary>
/// <param name="Begin">Start, inclusive.</param>
/// <param name="End">End, exclusive.</param>
public readonly record struct ReportPeriod(DateTimeOffset Begin, DateTimeOffset End)
{
    /// <summary>The period of length <paramref name="interval"/> (which must divide a day) that contains <paramref name="time"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive or does not divide a day.</exception>
    public static ReportPeriod Containing(DateTimeOffset time, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero || TimeSpan.FromDays(1).Ticks % interval.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be positive and divide a day.");
        }

        var utc = time.ToUniversalTime();
        var begin = new DateTimeOffset(utc.Ticks - (utc.Ticks % interval.Ticks), TimeSpan.Zero);
        return new ReportPeriod(begin, begin + interval);
    }

    /// <summary>The period just before this one.</summary>
    public ReportPeriod Previous => new(Begin - (End - Begin), Begin);

    /// <summary>The length of the period.</summary>
    public TimeSpan Length => End - Begin;

    /// <summary>Whether <paramref name="time"/> falls in the period.</summary>
    public bool Contains(DateTimeOffset time) => time >= Begin && time < End;

    /// <inheritdoc/>
    public override string ToString() => $"{Begin.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}/{End.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
}
