using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Evaluation.Datasets;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>
/// Embeds every query as a query (its own format, plus, with instructions, "Instruct: {instruction}\nQuery: {text}") and every document
/// some pool uses, each distinct text once, in batches, and L2-normalises the vectors.
/// </summary>
public static class DatasetEmbedder
{
    /// <summary>Embeds <paramref name="dataset"/> without a cache.</summary>
    public static async Task<DatasetEmbeddings> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        EvalDataset dataset,
        bool useInstructions = true,
        int batchSize = 64,
        IProgress<EmbeddingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(dataset);
        var timer = Stopwatch.StartNew();
        var plan = TextPlan.Of(dataset, useInstructions);
        int total = plan.QueryTexts.Count + plan.DocumentTexts.Count;
        var queries = await EmbedCoreAsync(generator, plan.QueryTexts, EmbeddingPurpose.Query, batchSize, progress, 0, total, cancellationToken).ConfigureAwait(false);
        var documents = await EmbedCoreAsync(generator, plan.DocumentTexts, EmbeddingPurpose.Document, batchSize, progress, plan.QueryTexts.Count, total, cancellationToken).ConfigureAwait(false);
        return plan.Assemble(queries, documents, timer.Elapsed, total);
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> in batches as <paramref name="purpose"/> (queries get the embedder's query
    /// format); every vector is checked and L2-normalised.
    /// </summary>
    public static async Task<float[][]> EmbedTextsAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> texts,
        int batchSize = 64,
        IProgress<EmbeddingProgress>? progress = null,
        CancellationToken cancellationToken = default,
        EmbeddingPurpose purpose = EmbeddingPurpose.Document)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return await EmbedCoreAsync(generator, texts, purpose, batchSize, progress, 0, texts.Count, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<float[][]> EmbedCoreAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts, EmbeddingPurpose purpose, int batchSize,
        IProgress<EmbeddingProgress>? progress, int progressOffset, int progressTotal, CancellationToken cancellationToken)
    {
        var options = EmbeddingPurposes.With(null, purpose);
        var vectors = new float[texts.Count][];
        int dimension = 0;
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = texts.Skip(start).Take(batchSize).ToArray();
            var embeddings = await generator.GenerateAsync(batch, options, cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != batch.Length)
            {
                throw new InvalidOperationException($"The embedder returned {embeddings.Count} vectors for {batch.Length} texts.");
            }

            for (int i = 0; i < batch.Length; i++)
            {
                float[] v = embeddings[i].Vector.ToArray();
                if (dimension == 0)
                {
                    dimension = v.Length;
                }
                else if (v.Length != dimension)
                {
                    throw new DimensionMismatchException($"embedding of text {start + i}", dimension, v.Length);
                }

                float norm = TensorPrimitives.Norm(v);
                if (!(norm > 0) || !float.IsFinite(norm))
                {
                    throw new InvalidOperationException($"The embedder returned a zero or non-finite vector for '{Shorten(batch[i])}'.");
                }

                TensorPrimitives.Divide(v, norm, v);
                vectors[start + i] = v;
            }

            progress?.Report(new EmbeddingProgress(progressOffset + Math.Min(start + batchSize, texts.Count), progressTotal));
        }

        return vectors;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}

/// <summary>The distinct texts to embed for a set, and how their vectors map back to queries and documents.</summary>
internal sealed class TextPlan
{
    private TextPlan(List<string> queryTexts, int[] queryRow, List<string> documentTexts, int[] documentRow)
    {
        QueryTexts = queryTexts;
        QueryRow = queryRow;
        DocumentTexts = documentTexts;
        DocumentRow = documentRow;
    }

    /// <summary>Distinct formatted query texts.</summary>
    public List<string> QueryTexts { get; }

    /// <summary>Per query, its row in <see cref="QueryTexts"/>.</summary>
    public int[] QueryRow { get; }

    /// <summary>Distinct texts of the documents some pool uses.</summary>
    public List<string> DocumentTexts { get; }

    /// <summary>Per document, its row in <see cref="DocumentTexts"/>, or -1 when no pool uses it.</summary>
    public int[] DocumentRow { get; }

    public static TextPlan Of(EvalDataset dataset, bool useInstructions)
    {
        var queryTexts = new List<string>();
        var queryIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var queryRow = new int[dataset.Queries.Count];
        for (int q = 0; q < queryRow.Length; q++)
        {
            var query = dataset.Queries[q];
            string text = useInstructions ? QueryInstruction.Format(query.Text, query.Instruction) : query.Text;
            queryRow[q] = Intern(text, queryTexts, queryIndex);
        }

        var used = new bool[dataset.Documents.Count];
        foreach (var q in dataset.Queries)
        {
            foreach (int d in q.Pool)
            {
                used[d] = true;
            }
        }

        var documentTexts = new List<string>();
        var documentIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var documentRow = new int[dataset.Documents.Count];
        for (int d = 0; d < documentRow.Length; d++)
        {
            documentRow[d] = used[d] ? Intern(dataset.Documents[d].Text, documentTexts, documentIndex) : -1;
        }

        return new TextPlan(queryTexts, queryRow, documentTexts, documentRow);
    }

    public DatasetEmbeddings Assemble(float[][] queryVectors, float[][] documentVectors, TimeSpan elapsed, int textsEmbedded)
    {
        int dimension = queryVectors.Length > 0 ? queryVectors[0].Length : documentVectors.Length > 0 ? documentVectors[0].Length : 0;
        if (dimension == 0)
        {
            throw new ArgumentException("The set has nothing to embed.");
        }

        foreach (var v in documentVectors.Concat(queryVectors))
        {
            if (v.Length != dimension)
            {
                throw new DimensionMismatchException("embedding", dimension, v.Length);
            }
        }

        var queries = new float[QueryRow.Length * dimension];
        for (int q = 0; q < QueryRow.Length; q++)
        {
            queryVectors[QueryRow[q]].CopyTo(queries, q * dimension);
        }

        var documents = new float[DocumentRow.Length * dimension];
        for (int d = 0; d < DocumentRow.Length; d++)
        {
            if (DocumentRow[d] >= 0)
            {
                documentVectors[DocumentRow[d]].CopyTo(documents, d * dimension);
            }
        }

        return new DatasetEmbeddings(dimension, documents, queries, elapsed, textsEmbedded);
    }

    private static int Intern(string text, List<string> texts, Dictionary<string, int> index)
    {
        if (!index.TryGetValue(text, out int i))
        {
            i = texts.Count;
            texts.Add(text);
            index[text] = i;
        }

        return i;
    }
}
