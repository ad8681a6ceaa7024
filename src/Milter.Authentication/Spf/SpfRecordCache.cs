using System.Collections.Concurrent;

namespace Milter.Authentication.Spf;

/// <summary>Parsed records by record text, bounded by count because senders choose the texts.</summary>
internal sealed class SpfRecordCache
{
    private readonly ConcurrentDictionary<string, SpfRecord> _records = new(StringComparer.Ordinal);

    public SpfRecord GetOrParse(string text, int capacity)
    {
        if (_records.TryGetValue(text, out var record))
        {
            return record;
        }

        record = SpfRecordParser.Parse(text);
        if (capacity > 0)
        {
            // Starting over is cheaper than tracking use, and a warm working set refills at once.
            if (_records.Count >= capacity)
            {
                _records.Clear();
            }

            _records.TryAdd(text, record);
        }

        return record;
    }
}
