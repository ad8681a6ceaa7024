namespace Milter.Authentication.Dkim;

/// <summary>Key lookups by DNS name, each until its expiry; bounded by count because senders choose the names.</summary>
internal sealed class DkimKeyCache(int capacity)
{
    private readonly Dictionary<string, (DkimKeyLookup Lookup, DateTimeOffset Expires)> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public DkimKeyLookup? Get(string name, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(name, out var entry))
            {
                return null;
            }

            if (entry.Expires > now)
            {
                return entry.Lookup;
            }

            _entries.Remove(name);
            return null;
        }
    }

    public void Add(string name, DkimKeyLookup lookup, DateTimeOffset expires, DateTimeOffset now)
    {
        if (capacity == 0 || expires <= now)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.Count >= capacity && !_entries.ContainsKey(name))
            {
                foreach (var (key, entry) in _entries)
                {
                    if (entry.Expires <= now)
                    {
                        _entries.Remove(key);
                    }
                }

                // Starting over is cheaper than tracking use, and a warm working set refills at once.
                if (_entries.Count >= capacity)
                {
                    _entries.Clear();
                }
            }

            _entries[name] = (lookup, expires);
        }
    }
}
