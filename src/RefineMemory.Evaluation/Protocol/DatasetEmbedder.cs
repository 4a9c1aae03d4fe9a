using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Evaluation.Datasets;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>
/// Embeds every query (formatted with its instruction, "Instruct: {instruction}\nQuery: {text}") and every document
/// some pool uses, each distinct text once, in batches. Wrap the generator in a disk cache to make re-runs cheap.
/// </summary>
public static class DatasetEmbedder
{
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
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var timer = Stopwatch.StartNew();

        var used = new bool[dataset.Documents.Count];
        foreach (var q in dataset.Queries)
        {
            foreach (int d in q.Pool)
            {
                used[d] = true;
            }
        }

        // Distinct texts: queries first, then documents.
        var textIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var texts = new List<string>();
        int Intern(string text)
        {
            if (!textIndex.TryGetValue(text, out int i))
            {
                i = texts.Count;
                texts.Add(text);
                textIndex[text] = i;
            }

            return i;
        }

        var queryText = dataset.Queries.Select(q => Intern(useInstructions ? QueryInstruction.Format(q.Text, q.Instruction) : q.Text)).ToArray();
        var documentText = new int[dataset.Documents.Count];
        for (int d = 0; d < documentText.Length; d++)
        {
            documentText[d] = used[d] ? Intern(dataset.Documents[d].Text) : -1;
        }

        float[][] vectors = new float[texts.Count][];
        int dimension = 0;
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = texts.GetRange(start, Math.Min(batchSize, texts.Count - start));
            var embeddings = await generator.GenerateAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != batch.Count)
            {
                throw new InvalidOperationException($"The embedder returned {embeddings.Count} vectors for {batch.Count} texts.");
            }

            for (int i = 0; i < batch.Count; i++)
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

            progress?.Report(new EmbeddingProgress(Math.Min(start + batchSize, texts.Count), texts.Count));
        }

        var queries = new float[dataset.Queries.Count * dimension];
        for (int q = 0; q < queryText.Length; q++)
        {
            vectors[queryText[q]].CopyTo(queries, q * dimension);
        }

        var documents = new float[dataset.Documents.Count * dimension];
        for (int d = 0; d < documentText.Length; d++)
        {
            if (documentText[d] >= 0)
            {
                vectors[documentText[d]].CopyTo(documents, d * dimension);
            }
        }

        return new DatasetEmbeddings(dimension, documents, queries, timer.Elapsed, texts.Count);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
