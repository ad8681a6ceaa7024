using Milter.Protocol.Handling;

namespace Milter.Protocol.Session;

/// <summary>Puts header deletions into the order that means the same on Postfix and Sendmail.</summary>
internal static class MilterHeaderChangeOrder
{
    /// <summary>
    /// Returns the changes with every group of deletions of the same header name (case-insensitive) sorted
    /// from the highest occurrence to the lowest, each group keeping the slots it had in the list. Postfix
    /// removes a deleted header from its list, so deleting low occurrences first would shift the later ones.
    /// </summary>
    public static IReadOnlyList<HeaderChange> Arrange(IReadOnlyList<HeaderChange> changes)
    {
        HeaderChange[]? arranged = null;
        HashSet<string>? arrangedNames = null;
        for (var i = 0; i < changes.Count; i++)
        {
            if (changes[i] is not HeaderChange.Delete first || arrangedNames?.Contains(first.Name) == true)
            {
                continue;
            }

            List<int>? slots = null;
            for (var j = i + 1; j < changes.Count; j++)
            {
                if (changes[j] is HeaderChange.Delete other && string.Equals(other.Name, first.Name, StringComparison.OrdinalIgnoreCase))
                {
                    slots ??= [i];
                    slots.Add(j);
                }
            }

            if (slots is null)
            {
                continue;
            }

            (arrangedNames ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(first.Name);
            var group = new List<HeaderChange.Delete>(slots.Count);
            foreach (var slot in slots)
            {
                group.Add((HeaderChange.Delete)changes[slot]);
            }

            group.Sort(static (a, b) => b.Occurrence.CompareTo(a.Occurrence));
            arranged ??= [.. changes];
            for (var k = 0; k < slots.Count; k++)
            {
                arranged[slots[k]] = group[k];
            }
        }

        return arranged ?? changes;
    }
}
