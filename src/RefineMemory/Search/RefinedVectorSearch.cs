using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using RefineMemory.Diagnostics;
using RefineMemory.Embed;
using RefineMemory.Judge;
using RefineMemory.Refine;

namespace RefineMemory.Search;

/// <summary>
/// Refinement over any VectorData store: embeds the query, searches the inner collection with the original
/// vector (returning stored vectors), judges a feedback sample, refines the query vector, and searches the
/// same collection again with it, so that the store itself re-scores everything (exactly for a flat index,
/// with its ANN index otherwise). As an <see cref="IVectorSearchable{TRecord}"/> it replaces the inner
/// collection anywhere: a <c>string</c> search input is refined, a vector input is passed through.
/// </summary>
public sealed partial class RefinedVectorSearch<TRecord> : IVectorSearchable<TRecord>
    where TRecord : class
{
    private readonly IVectorSearchable<TRecord> _inner;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly FeedbackRefiner _refiner;
    private readonly SearchRecordAccessor<TRecord> _records;

    /// <exception cref="ArgumentException">The record's key, text or vector property cannot be found (the message names the candidates).</exception>
    public RefinedVectorSearch(
        IVectorSearchable<TRecord> inner,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        IRelevanceJudge judge,
        RefinedVectorSearchOptions<TRecord>? options = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(judge);
        Options = options ?? new RefinedVectorSearchOptions<TRecord>();
        Options.Validate();
        _inner = inner;
        _embedder = embedder;
        _refiner = new FeedbackRefiner(judge, Options.Refinement);
        _records = new SearchRecordAccessor<TRecord>(Options);
    }

    /// <summary>The defaults in effect.</summary>
    public RefinedVectorSearchOptions<TRecord> Options { get; }

    /// <summary>The collection searched.</summary>
    public IVectorSearchable<TRecord> Inner => _inner;

    /// <summary>The text the judge sees for <paramref name="record"/> (the configured text selector or property).</summary>
    public string TextOf(TRecord record) => _records.Text(record ?? throw new ArgumentNullException(nameof(record)));

    /// <summary>The key of <paramref name="record"/>, as invariant text.</summary>
    public string KeyOf(TRecord record) => _records.Key(record ?? throw new ArgumentNullException(nameof(record)));

    private async Task<RefinedVectorSearchResult<TRecord>> SearchCoreAsync(string query, int top, RefinedVectorSearchRequest<TRecord>? request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var refinement = Options.Refinement.Clone();
        refinement.FeedbackCount = request?.FeedbackCount ?? refinement.FeedbackCount;
        refinement.FeedbackFromTop = request?.FeedbackFromTop ?? Math.Min(refinement.FeedbackFromTop, refinement.FeedbackCount);
        refinement.JudgeBudget = request?.JudgeBudget ?? refinement.JudgeBudget;
        refinement.FeedbackStrategy = request?.FeedbackStrategy ?? refinement.FeedbackStrategy;
        refinement.Validate();
        bool refine = request?.Refine ?? Options.Refine;
        var user = request?.SearchOptions ?? new VectorSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(user.Skip, "SearchOptions.Skip");
        string? instruction = string.IsNullOrWhiteSpace(request?.Instruction) ? Options.Instruction : request.Instruction;

        var total = Stopwatch.StartNew();
        var stage = Stopwatch.StartNew();
        var (queryVector, hypothetical) = await EmbedStageAsync(query, instruction, request, cancellationToken).ConfigureAwait(false);
        QueryVectors.Check(queryVector, given: request?.QueryVector is { IsEmpty: false }, _records);
        var embedTime = stage.Elapsed;

        stage.Restart();
        if (!refine)
        {
            using var span = RefineMemoryTelemetry.StartStage(TelemetryStage.Retrieve);
            var plain = await SearchStoreAsync(queryVector, top, Final(user), cancellationToken).ConfigureAwait(false);
            var plainHits = plain.Select((r, i) => new RefinedVectorSearchHit<TRecord>(r.Record, r.Score, r.Score, user.Skip + i + 1, user.Skip + i + 1)).ToArray();
            return Result(query, instruction, plainHits, new SearchDiagnostics
            {
                EmbedTime = embedTime,
                RetrieveTime = stage.Elapsed,
                TotalTime = total.Elapsed,
                SkippedReason = "refinement was turned off for this search",
                Candidates = plain.Count,
                Passes = 1,
                HypotheticalDocuments = hypothetical,
            });
        }

        int wanted = (int)Math.Min((long)user.Skip + top, int.MaxValue); // top may be int.MaxValue: "all of them"
        var firstSearch = await FirstSearchAsync(queryVector, FirstDepth(wanted, refinement), user, cancellationToken).ConfigureAwait(false);
        var first = firstSearch.Results;
        int[] positions = first.Count == 0 ? [] : FeedbackPlan.Candidates(first.Count, refinement);
        var (sample, reembedReason) = await SampleAsync(first, positions, firstSearch.ReembedReason, cancellationToken).ConfigureAwait(false);
        CheckSample(sample, queryVector.Length);
        var retrieveTime = stage.Elapsed;

        FeedbackOutcome? outcome = sample.Length == 0 ? null
            : await RefineAtUnitLengthAsync(query, instruction, queryVector, sample, refinement, request?.JudgeProgress, cancellationToken).ConfigureAwait(false);
        if (outcome?.Selected is { } selected)
        {
            // The strategy judged some of the candidates: those are the feedback sample.
            (sample, positions) = (selected.Select(i => sample[i]).ToArray(), selected.Select(i => positions[i]).ToArray());
        }

        stage.Restart();
        RefinedVectorSearchHit<TRecord>[] hits;
        bool rescored = outcome is { Refined: true };
        if (rescored)
        {
            using var span = RefineMemoryTelemetry.StartStage(TelemetryStage.Rescore);
            if (refinement.Fusion)
            {
                hits = await FuseAsync(firstSearch, outcome!, positions, top, user, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var after = await SearchStoreAsync(outcome!.QueryVector, top, Final(user), cancellationToken).ConfigureAwait(false);
                hits = Rerank(firstSearch, after, user.Skip);
            }
        }
        else if (user.ScoreThreshold is null)
        {
            hits = first.Skip(user.Skip).Take(top).Select((r, i) => new RefinedVectorSearchHit<TRecord>(
                r.Record, r.Score, r.Score, user.Skip + i + 1, user.Skip + i + 1)).ToArray();
        }
        else
        {
            // Only the store knows which way its scores run (similarity or distance), so it applies the threshold.
            using var span = RefineMemoryTelemetry.StartStage(TelemetryStage.Rescore);
            var plain = await SearchStoreAsync(queryVector, top, Final(user), cancellationToken).ConfigureAwait(false);
            hits = Rerank(firstSearch, plain, user.Skip);
        }

        var rescoreTime = stage.Elapsed;
        return Result(query, instruction, hits, new SearchDiagnostics
        {
            EmbedTime = embedTime,
            RetrieveTime = retrieveTime,
            JudgeTime = outcome?.JudgeTime ?? TimeSpan.Zero,
            OptimiseTime = outcome?.OptimiseTime ?? TimeSpan.Zero,
            RescoreTime = rescoreTime,
            TotalTime = total.Elapsed,
            Refined = outcome?.Refined ?? false,
            SkippedReason = outcome is null ? "no record passed the filter, so there was nothing to judge" : outcome.SkippedReason,
            Note = outcome?.Note,
            Candidates = firstSearch.Ranked?.EligibleCount ?? first.Count,
            Passes = (firstSearch.Ranked?.Passes ?? 1) + (rescored ? 1 : 0),
            Step = RefinementStep.Of(outcome, queryVector),
            HypotheticalDocuments = hypothetical,
            Judged = outcome is null ? [] : JudgedChunks.Describe(sample, i => positions[i] + 1, queryVector, outcome),
            Loss = outcome?.Refinement?.Loss ?? [],
            Judge = outcome?.Judgments.Diagnostics,
            FeedbackRounds = outcome?.Rounds ?? 0,
            StoppedEarly = outcome?.StoppedEarly ?? false,
            ReembeddedReason = reembedReason,
        });
    }

    /// <summary>
    /// A <c>string</c> input runs a refined search (options pass through as the request's
    /// <see cref="RefinedVectorSearchRequest{TRecord}.SearchOptions"/>) and yields its hits with the refined
    /// scores; any other input (a vector) is passed to the inner collection unchanged.
    /// </summary>
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        if (searchValue is string query)
        {
            var result = await SearchAsync(query, top, new RefinedVectorSearchRequest<TRecord> { SearchOptions = options }, cancellationToken).ConfigureAwait(false);
            foreach (var hit in result.Hits)
            {
                yield return new VectorSearchResult<TRecord>(hit.Record, hit.Score);
            }

            yield break;
        }

        await foreach (var r in _inner.SearchAsync(searchValue, top, options, cancellationToken).ConfigureAwait(false))
        {
            yield return r;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _inner.GetService(serviceType, serviceKey);
    }

    private static RefinedVectorSearchResult<TRecord> Result(string query, string? instruction, RefinedVectorSearchHit<TRecord>[] hits, SearchDiagnostics diagnostics) =>
        new(query, instruction, hits, diagnostics);

    private int FirstDepth(int wanted, RefinementOptions refinement) =>
        Math.Max(wanted, FeedbackPlan.NeedsDepth(refinement) ? Math.Max(refinement.FeedbackCount, Options.SampleDepth) : refinement.FeedbackCount);

    private VectorSearchOptions<TRecord> Final(VectorSearchOptions<TRecord> user) => new()
    {
        Filter = user.Filter,
        VectorProperty = user.VectorProperty ?? _records.VectorProperty,
        Skip = user.Skip,
        IncludeVectors = user.IncludeVectors,
        ScoreThreshold = user.ScoreThreshold,
    };

    /// <summary>
    /// Refines the query as a unit vector, so that the step (rate, angle budget) means the same whatever length the
    /// embedder gives its vectors, and scales the refined one back to the query's length for the store's second search.
    /// </summary>
    private async Task<FeedbackOutcome> RefineAtUnitLengthAsync(
        string query, string? instruction, float[] queryVector, FeedbackCandidate[] sample, RefinementOptions refinement, IProgress<JudgeProgress>? progress, CancellationToken cancellationToken)
    {
        float norm = TensorPrimitives.Norm(queryVector);
        if (!(norm > 0f) || !float.IsFinite(norm))
        {
            throw new InvalidOperationException($"The query embedding has length {norm}; it cannot be refined.");
        }

        if (MathF.Abs(norm - 1f) <= 1e-6f)
        {
            // Already unit length (real sentence embedders normalise): refined as given, bit for bit.
            return await FeedbackPlan.RunAsync(_refiner, query, instruction, queryVector, sample, refinement, progress, cancellationToken).ConfigureAwait(false);
        }

        var unit = new float[queryVector.Length];
        TensorPrimitives.Divide(queryVector, norm, unit);
        var outcome = await FeedbackPlan.RunAsync(_refiner, query, instruction, unit, sample, refinement, progress, cancellationToken).ConfigureAwait(false);
        TensorPrimitives.Multiply(outcome.QueryVector, norm, outcome.QueryVector);
        return outcome;
    }

    private async Task<FirstSearch> FirstSearchAsync(float[] queryVector, int depth, VectorSearchOptions<TRecord> user, CancellationToken cancellationToken)
    {
        using var span = RefineMemoryTelemetry.StartStage(TelemetryStage.Retrieve);
        var options = new VectorSearchOptions<TRecord>
        {
            Filter = user.Filter,
            VectorProperty = user.VectorProperty ?? _records.VectorProperty,
            IncludeVectors = _records.VectorsAreFloats,
        };
        if (_inner.GetService(typeof(IRankedSearchable<TRecord>)) is IRankedSearchable<TRecord> ranked && _records.VectorsAreFloats)
        {
            var pass = await ranked.SearchRankedAsync(queryVector, depth, options, cancellationToken).ConfigureAwait(false);
            return new FirstSearch(pass.Results, pass, null);
        }

        if (!_records.VectorsAreFloats)
        {
            string reason = $"vector property '{_records.VectorName}' does not hold float vectors (the store embeds it itself)";
            return new FirstSearch(await SearchStoreAsync(queryVector, depth, options, cancellationToken).ConfigureAwait(false), null, reason);
        }

        try
        {
            return new FirstSearch(await SearchStoreAsync(queryVector, depth, options, cancellationToken).ConfigureAwait(false), null, null);
        }
        catch (NotSupportedException e)
        {
            options.IncludeVectors = false;
            string reason = $"the store refused IncludeVectors ({e.Message})";
            return new FirstSearch(await SearchStoreAsync(queryVector, depth, options, cancellationToken).ConfigureAwait(false), null, reason);
        }
    }

    private async Task<(FeedbackCandidate[] Sample, string? ReembedReason)> SampleAsync(
        IReadOnlyList<VectorSearchResult<TRecord>> first, int[] positions, string? reason, CancellationToken cancellationToken)
    {
        var sample = new FeedbackCandidate[positions.Length];
        var missing = new List<int>();
        for (int i = 0; i < positions.Length; i++)
        {
            var record = first[positions[i]].Record;
            var vector = _records.Vector(record);
            if (vector is null)
            {
                missing.Add(i);
            }

            sample[i] = new FeedbackCandidate(_records.Key(record), _records.Text(record), vector ?? ReadOnlyMemory<float>.Empty);
        }

        if (missing.Count == 0)
        {
            return (sample, reason);
        }

        // Documents are embedded without the query instruction, as they were when stored.
        var embeddings = await _embedder.GenerateAsync(missing.Select(i => sample[i].Text), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != missing.Count)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {missing.Count} judged texts.");
        }

        for (int k = 0; k < missing.Count; k++)
        {
            sample[missing[k]] = sample[missing[k]] with { Vector = embeddings[k].Vector };
        }

        reason ??= $"{missing.Count} of {positions.Length} judged records came back without a vector in '{_records.VectorName}'";
        return (sample, reason);
    }

    /// <summary>
    /// A sample vector the optimiser cannot use (not finite, another length than the query's) is damage in the
    /// store: named with its record, rather than failing inside the optimiser or being left out unseen.
    /// </summary>
    private void CheckSample(FeedbackCandidate[] sample, int dimension)
    {
        foreach (var candidate in sample)
        {
            if (QueryVectors.Problem(candidate.Vector.Span, dimension) is { } problem)
            {
                throw new InvalidDataException($"The vector '{_records.VectorName}' of record '{candidate.Id}' {problem}; it cannot be used as feedback. Re-store that record.");
            }
        }
    }

    private RefinedVectorSearchHit<TRecord>[] Rerank(FirstSearch first, List<VectorSearchResult<TRecord>> after, int skip)
    {
        // A ranked store places every result in the first ranking; any other says only what its first search returned
        // (read into a map only when some result is not placed: never, for a ranked store whose collection stood still).
        var located = first.Ranked?.Locate([.. after.Select(r => _records.Key(r.Record))]);
        Dictionary<string, (int Rank, double? Score)>? before = null;
        var hits = new RefinedVectorSearchHit<TRecord>[after.Count];
        for (int i = 0; i < after.Count; i++)
        {
            (int? rank, double? score) = located is { } l && l[i].Rank > 0 ? (l[i].Rank, l[i].Score)
                : (before ??= FirstRanks(first.Results)).TryGetValue(_records.Key(after[i].Record), out var b) ? (b.Rank, b.Score)
                : ((int?)null, (double?)null);
            hits[i] = new RefinedVectorSearchHit<TRecord>(after[i].Record, after[i].Score, score, skip + i + 1, rank);
        }

        return hits;
    }

    /// <summary>
    /// The fused final ranking (<see cref="FusedRanking"/>): the refined search deep enough to hold the page after the
    /// judged documents are moved out, then the verdicts applied. A judged document the refined search did not return
    /// (unless a score threshold excludes it) keeps its place by its verdict, with its cosine to the refined query.
    /// </summary>
    private async Task<RefinedVectorSearchHit<TRecord>[]> FuseAsync(FirstSearch first, FeedbackOutcome outcome, int[] positions, int top, VectorSearchOptions<TRecord> user, CancellationToken cancellationToken)
    {
        var verdicts = outcome.Refinement!.Judged;
        var options = Final(user);
        options.Skip = 0;
        var refined = Rerank(first, await SearchStoreAsync(outcome.QueryVector, user.Skip + top + verdicts.Count, options, cancellationToken).ConfigureAwait(false), 0);
        var returned = refined.ToDictionary(h => _records.Key(h.Record), StringComparer.Ordinal);
        var positionOf = new Dictionary<string, int>(positions.Length, StringComparer.Ordinal);
        foreach (int p in positions)
        {
            positionOf.TryAdd(_records.Key(first.Results[p].Record), p);
        }

        var judged = new Dictionary<string, (JudgedDocument, RefinedVectorSearchHit<TRecord>)>(verdicts.Count, StringComparer.Ordinal);
        foreach (var verdict in verdicts)
        {
            if (returned.TryGetValue(verdict.Id, out var hit))
            {
                judged[verdict.Id] = (verdict, hit);
            }
            else if (user.ScoreThreshold is null && positionOf.TryGetValue(verdict.Id, out int p))
            {
                var r = first.Results[p];
                judged[verdict.Id] = (verdict, new RefinedVectorSearchHit<TRecord>(r.Record, verdict.CosineAfter, r.Score, 0, p + 1));
            }
        }

        return FusedRanking.Fuse(refined, judged, _records.Key, user.Skip, top);
    }

    private Dictionary<string, (int Rank, double? Score)> FirstRanks(IReadOnlyList<VectorSearchResult<TRecord>> results)
    {
        var ranks = new Dictionary<string, (int Rank, double? Score)>(results.Count, StringComparer.Ordinal);
        for (int i = 0; i < results.Count; i++)
        {
            ranks.TryAdd(_records.Key(results[i].Record), (i + 1, results[i].Score));
        }

        return ranks;
    }

    /// <summary>The first search: its results, the ranking they came from when the store keeps one, and why vectors were re-embedded.</summary>
    private sealed record FirstSearch(IReadOnlyList<VectorSearchResult<TRecord>> Results, RankedFirstPass<TRecord>? Ranked, string? ReembedReason);

    /// <summary>The vector searched first: the caller's, HyDE's (with the documents it wrote), or the query's embedding.</summary>
    private async Task<(float[] Vector, IReadOnlyList<string> Hypothetical)> EmbedStageAsync(string query, string? instruction, RefinedVectorSearchRequest<TRecord>? request, CancellationToken cancellationToken)
    {
        using var span = RefineMemoryTelemetry.StartStage(TelemetryStage.Embed);
        if (request?.QueryVector is { IsEmpty: false } given)
        {
            return (given.ToArray(), []);
        }

        if (Options.QueryWriter is { } writer && request?.UseHyde != false)
        {
            var hyde = await writer.EmbedAsync(query, instruction, _embedder, cancellationToken).ConfigureAwait(false);
            return (hyde.Vector, hyde.HypotheticalDocuments);
        }

        return (await EmbedQueryAsync(QueryInstruction.Format(query, instruction, Options.InstructionTemplate), cancellationToken).ConfigureAwait(false), []);
    }

    private async Task<float[]> EmbedQueryAsync(string text, CancellationToken cancellationToken)
    {
        var embeddings = await _embedder.GenerateAsync([text], EmbeddingPurposes.ForQueries(), cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != 1 || embeddings[0].Vector.Length == 0)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings (or an empty one) for one query.");
        }

        return embeddings[0].Vector.ToArray();
    }

    private async Task<List<VectorSearchResult<TRecord>>> SearchStoreAsync(float[] vector, int top, VectorSearchOptions<TRecord> options, CancellationToken cancellationToken)
    {
        var results = new List<VectorSearchResult<TRecord>>(Math.Min(top, 1024)); // top may be int.MaxValue
        var e = _inner.SearchAsync(new ReadOnlyMemory<float>(vector), top, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        bool abandoned = false;
        try
        {
            // A store that ignores the token (a stuck network client) is abandoned when the caller's deadline passes.
            while (cancellationToken.CanBeCanceled
                ? await e.MoveNextAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false)
                : await e.MoveNextAsync().ConfigureAwait(false))
            {
                results.Add(e.Current);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            abandoned = true; // its MoveNextAsync may still be running: disposing it now would throw
            throw;
        }
        finally
        {
            if (!abandoned)
            {
                await e.DisposeAsync().ConfigureAwait(false);
            }
        }

        return results;
    }
}
