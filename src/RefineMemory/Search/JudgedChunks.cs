using System.Numerics.Tensors;
using RefineMemory.Refine;

namespace RefineMemory.Search;

/// <summary>Describes a judged feedback sample for <see cref="SearchDiagnostics.Judged"/>.</summary>
internal static class JudgedChunks
{
    /// <summary>
    /// One entry per sampled document, in sample order; <paramref name="rank"/> gives each one's 1-based rank
    /// before refinement. A document that left the feedback set gets its cosine to the original query.
    /// </summary>
    public static JudgedChunk[] Describe(IReadOnlyList<FeedbackCandidate> sample, Func<int, int> rank, ReadOnlyMemory<float> originalQuery, FeedbackOutcome outcome)
    {
        var after = outcome.Refinement?.Judged.ToDictionary(j => j.Id, StringComparer.Ordinal);
        var judged = new JudgedChunk[sample.Count];
        for (int i = 0; i < sample.Count; i++)
        {
            var candidate = sample[i];
            var j = outcome.Judgments.Judgments[i];
            JudgedDocument? refined = after is not null && after.TryGetValue(candidate.Id, out var d) ? d : null;
            judged[i] = new JudgedChunk(
                candidate.Id,
                rank(i),
                j.Score,
                j.Failure is null ? null : $"{j.Failure.Kind}: {j.Failure.Message}",
                refined?.CosineBefore ?? TensorPrimitives.CosineSimilarity(candidate.Vector.Span, originalQuery.Span),
                refined?.CosineAfter) { FailureKind = j.Failure?.Kind };
        }

        return judged;
    }
}
