namespace Milter.Reporting.History;

/// <summary>Where the milter hands evaluated messages for the report history; never blocks the caller.</summary>
public interface IHistorySink
{
    /// <summary>Queues <paramref name="entry"/> for storage; false when the queue is full and it was dropped (and counted).</summary>
    bool TryRecord(HistoryEntry entry);
}
