namespace RefineMemory.Evaluation.Protocol;

/// <summary>
/// The embeddings of an evaluation set, L2-normalised and row-major: one row per document of
/// <see cref="Datasets.EvalDataset.Documents"/> (rows of documents no pool uses are zero) and one per query.
/// </summary>
public sealed class DatasetEmbeddings
{
    internal DatasetEmbeddings(int dimension, float[] documents, float[] queries, TimeSpan elapsed, int textsEmbedded)
    {
        Dimension = dimension;
        Documents = documents;
        Queries = queries;
        Elapsed = elapsed;
        TextsEmbedded = textsEmbedded;
    }

    /// <summary>Length of every vector.</summary>
    public int Dimension { get; }

    internal float[] Documents { get; }

    internal float[] Queries { get; }

    /// <summary>Wall-clock time of embedding (cache hits included).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Distinct texts sent to the embedder.</summary>
    public int TextsEmbedded { get; }

    /// <summary>The vector of document <paramref name="index"/>.</summary>
    public ReadOnlyMemory<float> Document(int index) => Documents.AsMemory(index * Dimension, Dimension);

    /// <summary>The vector of query <paramref name="index"/>.</summary>
    public ReadOnlyMemory<float> Query(int index) => Queries.AsMemory(index * Dimension, Dimension);
}
