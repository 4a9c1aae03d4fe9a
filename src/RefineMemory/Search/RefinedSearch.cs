using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Refine;
using RefineMemory.Retrieve;

namespace RefineMemory.Search;

/// <summary>
/// The refined search pipeline: embed the query with the collection's instruction, rank the collection by
/// cosine, judge a feedback sample, refine the query vector, re-score the whole collection with it, and
/// return the results with their ranks before and after plus what each stage cost.
/// </summary>
public sealed class RefinedSearch
{
    private readonly IMemoryStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly FeedbackRefiner _refiner;
    private readonly RefinedSearchOptions _options;

    public RefinedSearch(
        IMemoryStore store,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        IRelevanceJudge judge,
        RefinedSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(judge);
        _options = options ?? new RefinedSearchOptions();
        _options.Validate();
        _store = store;
        _embedder = embedder;
        _refiner = new FeedbackRefiner(judge, _options.Refinement);
    }

    /// <summary>The store searched (and written by the ingest tool).</summary>
    public IMemoryStore Store => _store;

    /// <summary>The defaults in effect.</summary>
    public RefinedSearchOptions Options => _options;

    /// <summary>Runs one refined search.</summary>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="DimensionMismatchException">The embedder's vectors do not match the collection's dimension.</exception>
    public async Task<RefinedSearchResult> SearchAsync(string collection, string query, SearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        options ??= new SearchOptions();
        int top = options.Top ?? _options.Top;
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1, "top");
        var refinement = _options.Refinement.Clone();
        refinement.FeedbackCount = options.FeedbackCount ?? refinement.FeedbackCount;
        refinement.FeedbackFromTop = options.FeedbackFromTop ?? Math.Min(refinement.FeedbackFromTop, refinement.FeedbackCount);
        refinement.JudgeBudget = options.JudgeBudget ?? refinement.JudgeBudget;
        refinement.Validate();
        bool refine = options.Refine ?? _options.Refine;

        var total = Stopwatch.StartNew();
        var col = await _store.GetCollectionAsync(collection, cancellationToken).ConfigureAwait(false);
        string? instruction = string.IsNullOrWhiteSpace(options.Instruction) ? col.Instruction : options.Instruction;

        var stage = Stopwatch.StartNew();
        float[] queryVector = await EmbedAsync(col, QueryInstruction.Format(query, instruction, col.InstructionTemplate), cancellationToken).ConfigureAwait(false);
        var embedTime = stage.Elapsed;

        stage.Restart();
        Func<string, bool>? filter = MetadataFilter.Create(col, options.Filter);
        var before = InitialRanking.Rank(col.Index, queryVector, filter, Math.Max(top, refinement.FeedbackCount), refine && refinement.FeedbackFromTop < refinement.FeedbackCount, keepSnapshot: refine);
        var sample = refine ? SelectSample(col, before, refinement) : [];
        var retrieveTime = stage.Elapsed;

        FeedbackOutcome? outcome = null;
        if (refine && sample.Count > 0)
        {
            outcome = await _refiner.RefineAsync(query, instruction, queryVector, sample.Select(s => s.Candidate).ToArray(), refinement, options.JudgeProgress, cancellationToken).ConfigureAwait(false);
        }

        stage.Restart();
        bool rescore = outcome is { Refined: true };
        var hits = rescore ? Rescore(col, outcome!.QueryVector, before, top, filter) : Unrefined(col, before, top);
        var rescoreTime = stage.Elapsed;

        string? skipped = !refine ? "refinement was turned off for this search"
            : sample.Count == 0 ? "no chunk passed the filter, so there was nothing to judge"
            : outcome!.SkippedReason;
        var diagnostics = new SearchDiagnostics
        {
            EmbedTime = embedTime,
            RetrieveTime = retrieveTime,
            JudgeTime = outcome?.JudgeTime ?? TimeSpan.Zero,
            OptimiseTime = outcome?.OptimiseTime ?? TimeSpan.Zero,
            RescoreTime = rescoreTime,
            TotalTime = total.Elapsed,
            Refined = outcome?.Refined ?? false,
            SkippedReason = skipped,
            Note = outcome?.Note,
            Candidates = before.EligibleCount,
            Passes = before.Passes + (rescore ? 1 : 0),
            Judged = outcome is null ? [] : JudgedChunks.Describe(sample.Select(s => s.Candidate).ToArray(), i => sample[i].Rank, queryVector, outcome),
            Loss = outcome?.Refinement?.Loss ?? [],
            Judge = outcome?.Judgments.Diagnostics,
        };
        return new RefinedSearchResult(col.Name, query, instruction, hits, diagnostics);
    }

    /// <summary>Runs a refined search and yields its results best first.</summary>
    public async IAsyncEnumerable<RefinedSearchHit> SearchStreamAsync(string collection, string query, SearchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var result = await SearchAsync(collection, query, options, cancellationToken).ConfigureAwait(false);
        foreach (var hit in result.Hits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return hit;
        }
    }

    private async Task<float[]> EmbedAsync(IMemoryCollection col, string text, CancellationToken cancellationToken)
    {
        EmbedderMismatchException.ThrowIfDifferent(col.Name, col.EmbeddingModel, _embedder);
        var embeddings = await _embedder.GenerateAsync([text], EmbeddingPurposes.ForQueries(), cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != 1)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for one query.");
        }

        float[] vector = embeddings[0].Vector.ToArray();
        if (vector.Length != col.Dimension)
        {
            throw new DimensionMismatchException($"The query embedding (collection '{col.Name}')", col.Dimension, vector.Length);
        }

        return vector;
    }

    private static List<(FeedbackCandidate Candidate, int Rank)> SelectSample(IMemoryCollection col, InitialRanking before, RefinementOptions refinement)
    {
        int[] positions = FeedbackSampler.Select(before.RankedCount, refinement.FeedbackCount, refinement.FeedbackFromTop, refinement.Seed);
        var sample = new List<(FeedbackCandidate, int)>(positions.Length);
        foreach (int p in positions)
        {
            string id = before.IdAt(p);
            var record = Record(col, id);
            sample.Add((new FeedbackCandidate(id, record.Text, col.Index.GetVector(id)), p + 1));
        }

        return sample;
    }

    private static RefinedSearchHit[] Unrefined(IMemoryCollection col, InitialRanking before, int top)
    {
        int n = Math.Min(top, before.RankedCount);
        var hits = new RefinedSearchHit[n];
        for (int i = 0; i < n; i++)
        {
            string id = before.IdAt(i);
            float score = before.ScoreAt(i);
            hits[i] = Hit(col, id, score, score, i + 1, i + 1);
        }

        return hits;
    }

    private static RefinedSearchHit[] Rescore(IMemoryCollection col, float[] refined, InitialRanking before, int top, Func<string, bool>? filter)
    {
        // One more pass, with the refined vector; ranks before come from the first pass's snapshot.
        var after = col.Index.Search(refined, top, filter);
        var located = before.Locate([.. after.Select(h => h.Id)]);
        var hits = new RefinedSearchHit[after.Count];
        for (int i = 0; i < after.Count; i++)
        {
            var (scoreBefore, rankBefore) = located[i];
            hits[i] = Hit(col, after[i].Id, after[i].Score, scoreBefore, i + 1, rankBefore);
        }

        return hits;
    }

    private static RefinedSearchHit Hit(IMemoryCollection col, string id, float score, float scoreBefore, int rank, int rankBefore)
    {
        var r = Record(col, id);
        return new RefinedSearchHit(id, r.DocumentId, r.Text, r.Source, r.Metadata, score, scoreBefore, rank, rankBefore);
    }

    private static MemoryRecord Record(IMemoryCollection col, string id) =>
        col.TryGetRecord(id, out var record)
            ? record
            : throw new InvalidOperationException($"Collection '{col.Name}' indexes chunk '{id}' but holds no record of it.");
}
