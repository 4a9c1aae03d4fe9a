using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RefineMemory.Embed;

namespace RefineMemory.Judge;

/// <summary>
/// A judge that is a second embedding model (usually a stronger one than the retriever's): each document's score is
/// its cosine to the query under that model divided by <see cref="EmbeddingRelevanceJudgeOptions.Temperature"/>,
/// so the KL teacher softmax(scores) is softmax(cosine / T). The scores are teacher logits, not probabilities: they
/// order documents like the cosines and may exceed 1. Not an oracle: its errors are the model's, correlated across
/// similar documents, like a real judge's. A failed embedding call fails the request (the caller drops the query's
/// feedback), never a made-up score.
/// </summary>
public sealed class EmbeddingRelevanceJudge : IRelevanceJudge
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly EmbeddingRelevanceJudgeOptions _options;

    /// <param name="generator">The judge's embedding model.</param>
    /// <param name="options">Temperature and query format; default <see cref="EmbeddingRelevanceJudgeOptions"/>.</param>
    public EmbeddingRelevanceJudge(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingRelevanceJudgeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        options ??= new EmbeddingRelevanceJudgeOptions();
        if (!(options.Temperature > 0) || !double.IsFinite(options.Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Temperature, "The embedding judge's temperature must be a positive finite number.");
        }

        _generator = generator;
        _options = options;
    }

    /// <inheritdoc />
    public async Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var timer = Stopwatch.StartNew();
        if (request.Documents.Count == 0)
        {
            return new JudgeResult([]);
        }

        // Two calls: asymmetric models (arctic-embed) embed the query with their query format, the documents without.
        string query = _options.FormatQuery?.Invoke(request.Query, request.Instruction) ?? request.Query;
        var queryEmbeddings = await _generator.GenerateAsync([query], EmbeddingPurposes.ForQueries(), cancellationToken).ConfigureAwait(false);
        var embeddings = await _generator.GenerateAsync(request.Documents.Select(d => d.Text), EmbeddingPurposes.With(null, EmbeddingPurpose.Document), cancellationToken).ConfigureAwait(false);
        if (queryEmbeddings.Count != 1 || embeddings.Count != request.Documents.Count)
        {
            throw new InvalidOperationException($"The judge's embedding model returned {queryEmbeddings.Count} + {embeddings.Count} vectors for 1 query and {request.Documents.Count} documents.");
        }

        var queryVector = queryEmbeddings[0].Vector.Span;
        var judgments = new RelevanceJudgment[request.Documents.Count];
        for (int i = 0; i < judgments.Length; i++)
        {
            var vector = embeddings[i].Vector.Span;
            string id = request.Documents[i].Id;
            judgments[i] = vector.Length != queryVector.Length
                ? RelevanceJudgment.Failed(id, JudgeFailureKind.MalformedResponse, $"The judge's embedding of document '{id}' has dimension {vector.Length}, the query's {queryVector.Length}.")
                : Score(id, TensorPrimitives.CosineSimilarity(queryVector, vector));
        }

        var summary = JudgeDiagnostics.Summarise(judgments, timer.Elapsed);
        return new JudgeResult(judgments, new JudgeDiagnostics
        {
            Judged = summary.Judged,
            Failed = summary.Failed,
            FailuresByKind = summary.FailuresByKind,
            Calls = 2,
            CallLatencies = [timer.Elapsed],
            Elapsed = timer.Elapsed,
        });
    }

    private RelevanceJudgment Score(string id, float cosine) => float.IsFinite(cosine)
        ? RelevanceJudgment.Scored(id, (float)(cosine / _options.Temperature))
        : RelevanceJudgment.Failed(id, JudgeFailureKind.MalformedResponse, $"The judge's embedding of document '{id}' or of the query is zero or not finite.");
}
