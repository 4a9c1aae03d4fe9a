using RefineMemory.Metrics;
using RefineMemory.Search;

namespace RefineMemory.Samples;

/// <summary>
/// Refinement step by step for the notebooks: search one CLINC150 intent description with refinement, then
/// score the whole collection before and after to compare average precision against the gold labels.
/// </summary>
public static class RefinementWalkthrough
{
    /// <summary>Runs one refined search for <paramref name="intent"/> and measures AP over every chunk of the collection (chunks tagged "intent").</summary>
    public static async Task<WalkthroughResult> RunAsync(RefinedSearch search, Clinc150 data, string collection, string intent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(data);
        string query = data.Descriptions.TryGetValue(intent, out var d) ? d : throw new ArgumentException($"Intent '{intent}' is not in the loaded slice.", nameof(intent));
        // One refined search returning every chunk: each hit carries its cosine before (ScoreBefore) and after (Score).
        var col = await search.Store.GetCollectionAsync(collection, cancellationToken).ConfigureAwait(false);
        var result = await search.SearchAsync(collection, query, col.Count, cancellationToken: cancellationToken).ConfigureAwait(false);
        var labels = result.Hits.Select(h => h.Metadata.TryGetValue("intent", out var i) && i == intent ? 1f : 0f).ToArray();
        double apBefore = RankingMetrics.AveragePrecision(result.Hits.Select(h => h.ScoreBefore ?? float.NaN).ToArray(), labels);
        double apAfter = RankingMetrics.AveragePrecision(result.Hits.Select(h => h.Score).ToArray(), labels);
        return new WalkthroughResult(intent, query, result, apBefore, apAfter);
    }

    /// <summary>
    /// One refined search per intent of <paramref name="intents"/> (in order, progress on <paramref name="progress"/>),
    /// with AP before and after over the whole collection: the rows of a MAP-before/after comparison.
    /// </summary>
    public static async Task<IReadOnlyList<WalkthroughResult>> RunManyAsync(
        RefinedSearch search, Clinc150 data, string collection, IEnumerable<string> intents, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intents);
        var results = new List<WalkthroughResult>();
        foreach (string intent in intents)
        {
            results.Add(await RunAsync(search, data, collection, intent, cancellationToken).ConfigureAwait(false));
            progress?.Report($"{results.Count}: {intent}");
        }

        return results;
    }

    /// <summary>AP before and after per intent, with the mean (MAP) as the first pair, as an SVG bar chart.</summary>
    public static string MapChart(IReadOnlyList<WalkthroughResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.Select(r => (r.Intent, r.AveragePrecisionBefore, r.AveragePrecisionAfter)).ToList();
        rows.Insert(0, ("MAP", results.Average(r => r.AveragePrecisionBefore), results.Average(r => r.AveragePrecisionAfter)));
        return SvgChart.PairedBars(rows, "average precision");
    }
}

/// <summary>What the walkthrough shows: the search (with its loss curve and judged chunks) and AP before and after.</summary>
public sealed record WalkthroughResult(string Intent, string Query, RefinedSearchResult Search, double AveragePrecisionBefore, double AveragePrecisionAfter)
{
    /// <summary>The loss curve as an SVG line chart.</summary>
    public string LossChart() => SvgChart.Line(Search.Diagnostics.Loss, "Adam step", "KL loss");

    /// <summary>Rank before (x) and after (y) of every chunk of the query's intent in the top <paramref name="depth"/> either way; below the diagonal = moved up.</summary>
    public string RankChart(int depth = 100) => SvgChart.Scatter(
        Search.Hits.Where(h => h.RankBefore is { } before && h.Metadata.TryGetValue("intent", out var i) && i == Intent && (h.Rank <= depth || before <= depth))
            .Select(h => ((double)h.RankBefore!.Value, (double)h.Rank, h.Rank < h.RankBefore)).ToArray(),
        "rank before refinement", "rank after refinement");

    /// <summary>Each judged chunk's cosine before (x) and after (y) refinement; relevant ones (score ≥ 0.5) in green.</summary>
    public string CosineChart() => SvgChart.Scatter(
        Search.Diagnostics.Judged.Where(j => j.CosineAfter.HasValue).Select(j => ((double)j.CosineBefore, (double)j.CosineAfter!.Value, j.Score >= 0.5f)).ToArray(),
        "cosine before", "cosine after");
}
