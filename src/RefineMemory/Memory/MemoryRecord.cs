using System.Linq.Expressions;

namespace RefineMemory.Memory;

/// <summary>
/// One stored chunk: the unit that is embedded, retrieved and judged. <see cref="Id"/> is the chunk id
/// (<c>{DocumentId}#{Ordinal}</c>); <see cref="DocumentId"/> and <see cref="Source"/> make the citation.
/// </summary>
public sealed record MemoryRecord(
    string Id,
    string DocumentId,
    int Ordinal,
    string Text,
    string? Source,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The chunk's stored embedding, when the search was asked to include vectors; otherwise empty.</summary>
    public ReadOnlyMemory<float> Embedding { get; init; }

    /// <summary>The id of chunk <paramref name="ordinal"/> of a document: <c>{documentId}#{ordinal}</c>.</summary>
    public static string ChunkId(string documentId, int ordinal) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{documentId}#{ordinal}");

    /// <summary>Whether the chunk's metadata holds <paramref name="key"/> with exactly <paramref name="value"/> (ordinal).</summary>
    /// <remarks>The memory's one filter: every memory collection translates calls to it (in process, or to SQL).</remarks>
    public bool HasTag(string key, string value) =>
        Metadata.TryGetValue(key, out string? actual) && string.Equals(actual, value, StringComparison.Ordinal);

    /// <summary>The filter that passes chunks holding every one of <paramref name="tags"/>, or <c>null</c> for none.</summary>
    public static Expression<Func<MemoryRecord, bool>>? TagFilter(IReadOnlyDictionary<string, string>? tags)
    {
        if (tags is null || tags.Count == 0)
        {
            return null;
        }

        var record = Expression.Parameter(typeof(MemoryRecord), "r");
        var hasTag = typeof(MemoryRecord).GetMethod(nameof(HasTag))!;
        Expression body = tags
            .Select(t => (Expression)Expression.Call(record, hasTag, Expression.Constant(t.Key), Expression.Constant(t.Value)))
            .Aggregate(Expression.AndAlso);
        return Expression.Lambda<Func<MemoryRecord, bool>>(body, record);
    }
}
