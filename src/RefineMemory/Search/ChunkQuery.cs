namespace RefineMemory.Search;

/// <summary>The search input every memory collection's <c>Chunks</c> takes: a float vector of the collection's dimension.</summary>
internal static class ChunkQuery
{
    /// <exception cref="NotSupportedException">The input is not a float vector.</exception>
    /// <exception cref="DimensionMismatchException">The vector does not have the collection's dimension.</exception>
    public static ReadOnlyMemory<float> Vector<TInput>(TInput searchValue, string collection, int dimension)
    {
        ReadOnlyMemory<float> query = searchValue switch
        {
            ReadOnlyMemory<float> m => m,
            float[] a => a,
            _ => throw new NotSupportedException($"The memory collection '{collection}' is searched by float vectors; a {typeof(TInput).Name} input is not supported (embed the text first, or search through RefinedVectorSearch)."),
        };
        return query.Length == dimension
            ? query
            : throw new DimensionMismatchException($"The query embedding (collection '{collection}')", dimension, query.Length);
    }
}
