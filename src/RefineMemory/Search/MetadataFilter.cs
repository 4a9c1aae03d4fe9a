using RefineMemory.Memory;

namespace RefineMemory.Search;

/// <summary>Turns a tag filter into a predicate over chunk ids: a chunk passes when its metadata holds every tag.</summary>
internal static class MetadataFilter
{
    public static Func<string, bool>? Create(IMemoryCollection collection, IReadOnlyDictionary<string, string>? tags)
    {
        if (tags is null || tags.Count == 0)
        {
            return null;
        }

        var required = tags.ToArray();
        return id =>
        {
            if (!collection.TryGetRecord(id, out var record))
            {
                return false;
            }

            foreach (var (key, value) in required)
            {
                if (!record.Metadata.TryGetValue(key, out string? actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        };
    }
}
