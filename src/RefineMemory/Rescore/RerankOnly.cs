using RefineMemory.Judge;
using RefineMemory.Retrieve;

namespace RefineMemory.Rescore;

/// <summary>
/// The rerank-only baseline: the judged documents are sorted by judge score (ties keep cosine order), the
/// documents the judge failed on follow in cosine order, and the unjudged rest keeps its cosine order after them.
/// The query vector is not touched, so nothing outside the judged set can move up: the contrast with refinement.
/// </summary>
public static class RerankOnly
{
    /// <summary>Reorders <paramref name="ranked"/> (cosine order, best first) by <paramref name="judgments"/>.</summary>
    public static IReadOnlyList<RerankedHit> Rerank(IReadOnlyList<SearchHit> ranked, IReadOnlyList<RelevanceJudgment> judgments)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(judgments);
        var rankOf = new Dictionary<string, int>(ranked.Count, StringComparer.Ordinal);
        for (int i = 0; i < ranked.Count; i++)
        {
            if (!rankOf.TryAdd(ranked[i].Id, i))
            {
                throw new ArgumentException($"Document '{ranked[i].Id}' appears twice in the ranking.", nameof(ranked));
            }
        }

        var verdicts = new Dictionary<string, RelevanceJudgment>(judgments.Count, StringComparer.Ordinal);
        foreach (var j in judgments)
        {
            if (!rankOf.ContainsKey(j.DocumentId))
            {
                throw new ArgumentException($"Judged document '{j.DocumentId}' is not in the ranking.", nameof(judgments));
            }

            if (!verdicts.TryAdd(j.DocumentId, j))
            {
                throw new ArgumentException($"Document '{j.DocumentId}' is judged twice.", nameof(judgments));
            }
        }

        RerankedHit Hit(int rank) => new(ranked[rank].Id, ranked[rank].Score,
            verdicts.TryGetValue(ranked[rank].Id, out var v) ? v.Score : null, rank);

        var scored = verdicts.Values.Where(v => v.Succeeded).Select(v => rankOf[v.DocumentId])
            .OrderByDescending(r => verdicts[ranked[r].Id].Score!.Value).ThenBy(r => r);
        var failed = verdicts.Values.Where(v => !v.Succeeded).Select(v => rankOf[v.DocumentId]).OrderBy(r => r);
        var rest = Enumerable.Range(0, ranked.Count).Where(r => !verdicts.ContainsKey(ranked[r].Id));
        return scored.Concat(failed).Concat(rest).Select(Hit).ToArray();
    }

    /// <summary>Judges the top <paramref name="topK"/> of <paramref name="ranked"/> and reranks them.</summary>
    /// <param name="judge">The relevance judge.</param>
    /// <param name="query">The query as the user wrote it.</param>
    /// <param name="instruction">The task instruction, or <c>null</c>.</param>
    /// <param name="ranked">The cosine ranking, best first.</param>
    /// <param name="textOf">The text of a document id.</param>
    /// <param name="topK">How many of the top documents to judge. Default 20.</param>
    /// <param name="cancellationToken">Cancels judging.</param>
    public static async Task<RerankOnlyResult> RerankAsync(
        IRelevanceJudge judge, string query, string? instruction, IReadOnlyList<SearchHit> ranked, Func<string, string> textOf,
        int topK = 20, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(textOf);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var docs = ranked.Take(topK).Select(h => new JudgeDocument(h.Id, textOf(h.Id))).ToArray();
        var judged = await judge.JudgeAsync(new JudgeRequest(query, docs, instruction), cancellationToken).ConfigureAwait(false);
        return new RerankOnlyResult(Rerank(ranked, judged.Judgments), judged.Diagnostics);
    }
}

/// <summary>A document in a reranked list.</summary>
/// <param name="Id">The document id.</param>
/// <param name="CosineScore">Its cosine similarity to the query.</param>
/// <param name="JudgeScore">The judge's score, or <c>null</c> when unjudged or failed.</param>
/// <param name="CosineRank">Its 0-based position in the cosine ranking.</param>
public readonly record struct RerankedHit(string Id, float CosineScore, float? JudgeScore, int CosineRank);

/// <summary>The reranked list and what judging cost.</summary>
public sealed record RerankOnlyResult(IReadOnlyList<RerankedHit> Hits, JudgeDiagnostics Diagnostics);
