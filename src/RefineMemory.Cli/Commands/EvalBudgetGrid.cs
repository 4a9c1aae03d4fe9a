using System.Globalization;
using System.Text;
using System.Text.Json;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Refine;
using Spectre.Console;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine eval --suite budget</c> (issue 22): every feedback strategy at every budget (default 5, 10, 20 judged
/// documents) for every judge (default gold and simulated:0.2; add <c>embedder:MODEL</c> with <c>--judges</c>) on the
/// validation splits only, one run per cell, each scoring the baseline, refinement and rerank-only on the same
/// judgments. Writes budget.md (MAP, gain, judge calls and judgements per query, and the choice) and budget.json.
/// The rule that chooses the default strategy is <see cref="Choose"/>, fixed here before the grid is run.
/// </summary>
internal static class EvalBudgetGrid
{
    public const string Name = "budget";

    /// <summary>The budget the default strategy is chosen at, and the reference setting it must match.</summary>
    private const int ChoiceBudget = 10;
    private const int ReferenceBudget = 20;

    /// <summary>The method name of the fused final ranking (<see cref="RefinementOptions.Fusion"/>), scored in every cell on the same judgments where the strategy allows.</summary>
    private const string FusedMethod = "fused";

    private static readonly string[] ValidationSets = ["argkp21:dev", "clinc150:val", "cranfield:val"];
    private static readonly string[] DefaultJudges = ["gold", "simulated:0.2"];
    private static readonly int[] DefaultBudgets = [5, 10, 20];

    /// <summary>The budgets and strategies of one grid.</summary>
    public sealed record Grid(IReadOnlyList<int> Budgets, IReadOnlyList<FeedbackStrategy> Strategies);

    /// <summary>One cell: the means over the split's queries, and the paired-bootstrap interval of the relative MAP gain.</summary>
    public sealed record Cell(string Set, string Judge, bool Oracle, string Strategy, int Budget, int Queries,
        double Baseline, double Refined, double? Rerank, double CallsPerQuery, double JudgementsPerQuery, int StoppedEarly,
        double GainLow = double.NaN, double GainHigh = double.NaN, double? Fused = null);

    public static Grid Parse(IReadOnlyList<string>? budgets, IReadOnlyList<string>? strategies)
    {
        var b = budgets?.Select(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= RefinementOptions.MaxFeedbackCount
            ? n : throw new CliInputException($"--budgets takes numbers from 1 to {RefinementOptions.MaxFeedbackCount}; got '{x}'.")).ToArray() ?? DefaultBudgets;
        var s = strategies?.Select(FeedbackCommandOptions.ParseStrategy).ToArray() ?? Enum.GetValues<FeedbackStrategy>();
        return new Grid(b, s);
    }

    public static async Task<int> RunAsync(EvalSettings settings, Grid grid, IReadOnlyList<string>? datasets, IReadOnlyList<string>? judges, string outDir, IAnsiConsole console, string commandLine, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var cells = new List<Cell>();
        using var embedder = EmbedderFactory.Create(settings.Embedder);
        foreach (string set in datasets ?? ValidationSets)
        {
            var data = EvalPipeline.LoadDataset(settings with { Dataset = set });
            var embeddings = await EvalSuite.EmbedAsync(settings, data, embedder, console, ct);
            foreach (string judgeSpec in judges ?? DefaultJudges)
            {
                foreach (int budget in grid.Budgets)
                {
                    foreach (var strategy in grid.Strategies)
                    {
                        var s = settings with { Dataset = set, Judge = judgeSpec, Feedback = budget, Strategy = strategy, IncludeRerank = true };
                        var cell = await RunCellAsync(s, data, embeddings, ct);
                        cells.Add(cell);
                        console.MarkupLineInterpolated($"{set} {judgeSpec} {cell.Strategy}/{budget}: MAP {EvalPipeline.F(cell.Baseline)} -> {EvalPipeline.F(cell.Refined)} ({EvalPipeline.Percent(cell.Refined / cell.Baseline - 1)}), {cell.CallsPerQuery:0.##} calls and {cell.JudgementsPerQuery:0.##} judgements per query");
                    }
                }
            }
        }

        Directory.CreateDirectory(outDir);
        string splits = datasets is null ? "validation splits" : string.Join(", ", datasets);
        string markdown = Markdown(cells, settings, splits, commandLine, started.Elapsed);
        await File.WriteAllTextAsync(Path.Combine(outDir, "budget.md"), markdown, ct);
        await File.WriteAllTextAsync(Path.Combine(outDir, "budget.json"), JsonSerializer.Serialize(cells, new JsonSerializerOptions { WriteIndented = true }), ct);
        console.WriteLine(markdown);
        console.MarkupLineInterpolated($"wrote [blue]{Path.Combine(outDir, "budget.md")}[/] and budget.json ({cells.Count} cells)");
        return 0;
    }

    private static async Task<Cell> RunCellAsync(EvalSettings s, Evaluation.Datasets.EvalDataset data, DatasetEmbeddings embeddings, CancellationToken ct)
    {
        var judge = EvalJudgeFactory.Create(s.Judge, data, s);
        try
        {
            var options = s.ToOptions();
            var fused = options.Refinement.Clone();
            fused.Fusion = true;
            options.AlternativeRefinements = [(FusedMethod, fused)];
            var result = await new EvaluationRunner(judge.JudgeFor, options).RunAsync(data, embeddings, null, ct);
            var refined = result.Summary(EvalMethods.Refined);
            int n = Math.Max(1, result.Queries.Count);
            return new Cell(s.Dataset, s.Judge, judge.IsOracle, FeedbackStrategyNames.Of(s.Strategy), s.Feedback, result.Queries.Count,
                result.Summary(EvalMethods.Baseline).Map, refined.Map, result.MethodNames.Contains(EvalMethods.Rerank) ? result.Summary(EvalMethods.Rerank).Map : null,
                (double)refined.JudgeCalls / n, (double)refined.Judgements / n, result.Queries.Count(q => q.StoppedEarly),
                refined.MapVersusBaseline?.RelativeLow ?? double.NaN, refined.MapVersusBaseline?.RelativeHigh ?? double.NaN,
                result.Summary(EvalMethods.RefinedWith(FusedMethod)).Map);
        }
        finally
        {
            judge.Owned?.Dispose();
        }
    }

    /// <summary>
    /// The rule, from the issue's goals, at budget 10 on every validation set: with the gold judge at least the MAP of
    /// top/20 and above rerank-only's; with simulated:0.2 at least 90 % of top/20's gain and no loss against the baseline;
    /// with any other judge no loss against the baseline. Among the strategies passing every cell, the highest mean
    /// relative MAP gain over all cells at budget 10 (fewer judgements per query on ties); none passing: top, said so.
    /// </summary>
    internal static (string Strategy, string Why) Choose(IReadOnlyList<Cell> cells)
    {
        var atChoice = cells.Where(c => c.Budget == ChoiceBudget).ToArray();
        var reference = cells.Where(c => c.Budget == ReferenceBudget && c.Strategy == FeedbackStrategyNames.Of(FeedbackStrategy.Top))
            .ToDictionary(c => (c.Set, c.Judge));
        if (atChoice.Length == 0 || reference.Count == 0)
        {
            return ("top", FormattableString.Invariant($"the rule needs budget {ChoiceBudget} and top/{ReferenceBudget} in the grid; it was not applied"));
        }

        var passing = atChoice.GroupBy(c => c.Strategy)
            .Where(g => g.All(c => reference.TryGetValue((c.Set, c.Judge), out var r) && Passes(c, r)))
            .Select(g => (Strategy: g.Key, Gain: g.Average(c => c.Refined / c.Baseline - 1), Judgements: g.Average(c => c.JudgementsPerQuery)))
            .OrderByDescending(x => x.Gain).ThenBy(x => x.Judgements)
            .ToArray();
        return passing.Length == 0
            ? ("top", FormattableString.Invariant($"no strategy passes every cell at budget {ChoiceBudget}; the default stays top"))
            : (passing[0].Strategy, FormattableString.Invariant($"passes every cell at budget {ChoiceBudget} with the highest mean relative gain ({EvalPipeline.Percent(passing[0].Gain)}); {passing.Length} strategies pass"));
    }

    /// <summary>
    /// The fusion rule, written before the validation grid ran: fusion becomes the default when, at the default setting
    /// (top, budget 20), on every set and with every judge, the fused MAP is at least the refined MAP and at least the
    /// baseline; otherwise it stays an option.
    /// </summary>
    internal static (bool On, string Why) ChooseFusion(IReadOnlyList<Cell> cells)
    {
        var atDefault = cells.Where(c => c.Budget == ReferenceBudget && c.Strategy == FeedbackStrategyNames.Of(FeedbackStrategy.Top) && c.Fused is not null).ToArray();
        if (atDefault.Length == 0)
        {
            return (false, FormattableString.Invariant($"the rule needs top/{ReferenceBudget} with the fused ranking in the grid; it was not applied"));
        }

        var failing = atDefault.Where(c => c.Fused < c.Refined || c.Fused < c.Baseline).Select(c => $"{c.Set} {c.Judge}").ToArray();
        return failing.Length == 0
            ? (true, FormattableString.Invariant($"fused >= refined and >= baseline in all {atDefault.Length} cells"))
            : (false, $"fused falls below refined or the baseline in {failing.Length} of {atDefault.Length} cells: {string.Join(", ", failing)}");
    }

    private static bool Passes(Cell c, Cell topAt20) => c.Judge switch
    {
        "gold" => c.Refined >= topAt20.Refined && (c.Rerank is not double rerank || c.Refined > rerank),
        var j when j.StartsWith("simulated:", StringComparison.Ordinal) =>
            c.Refined >= c.Baseline && c.Refined - c.Baseline >= 0.9 * (topAt20.Refined - topAt20.Baseline),
        _ => c.Refined >= c.Baseline,
    };

    private static string Interval(Cell c) =>
        double.IsNaN(c.GainLow) ? "" : $" [{EvalPipeline.Percent(c.GainLow)}, {EvalPipeline.Percent(c.GainHigh)}]";

    private static string Markdown(IReadOnlyList<Cell> cells, EvalSettings s, string splits, string commandLine, TimeSpan elapsed)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder()
            .Append(inv, $"### Feedback budget grid ({splits})\n\nEmbedder `{s.Embedder}`, queries {(s.UseInstructions ? "with the instruction template" : "as written")}, the default step. ")
            .Append(inv, $"Cells: refined MAP (relative gain over the baseline [95 % paired-bootstrap interval over queries, {s.BootstrapSamples} resamples]) · rerank-only MAP · fused MAP (the refined search with the judge's verdicts kept, `RefinementOptions.Fusion`) · judge calls / judgements per query. ")
            .Append("Calls count model calls only (0 for gold and simulated judges, which are oracles and call no model). ")
            .Append(inv, $"Produced by `{commandLine}` on {DateTime.UtcNow:yyyy-MM-dd} in {elapsed.TotalMinutes:0.#} min.\n");
        foreach (var byJudge in cells.GroupBy(c => c.Judge))
        {
            var budgets = byJudge.Select(c => c.Budget).Distinct().Order().ToArray();
            sb.Append(inv, $"\n#### {byJudge.Key}{(byJudge.First().Oracle ? " (oracle)" : "")}\n\n| set | strategy | baseline | {string.Join(" | ", budgets.Select(b => $"budget {b}"))} |\n|---|---|---|{string.Concat(budgets.Select(_ => "---|"))}\n");
            foreach (var row in byJudge.GroupBy(c => (c.Set, c.Strategy)))
            {
                sb.Append(inv, $"| {row.Key.Set} | {row.Key.Strategy} | {row.First().Baseline:0.000} |");
                foreach (int b in budgets)
                {
                    sb.Append(row.FirstOrDefault(c => c.Budget == b) is { } c
                        ? string.Create(inv, $" {c.Refined:0.000} ({EvalPipeline.Percent(c.Refined / c.Baseline - 1)}{Interval(c)}) · {(c.Rerank is double r ? r.ToString("0.000", inv) : "-")} · {(c.Fused is double f ? f.ToString("0.000", inv) : "-")} · {c.CallsPerQuery:0.#}/{c.JudgementsPerQuery:0.#} |")
                        : " - |");
                }

                sb.Append('\n');
            }
        }

        var (strategy, why) = Choose(cells);
        var (fusion, fusionWhy) = ChooseFusion(cells);
        return sb.Append(inv, $"\nRule ({nameof(Choose)}): at budget {ChoiceBudget} on every set, gold >= top/{ReferenceBudget} and > rerank-only; simulated:0.2 >= 90 % of top/{ReferenceBudget}'s gain and >= baseline; other judges >= baseline; then the highest mean gain.\n\nChosen: **{strategy}** ({why}).\n")
            .Append(inv, $"\nFusion rule ({nameof(ChooseFusion)}): on by default when, at top/{ReferenceBudget}, on every set and with every judge, the fused MAP is at least the refined MAP and at least the baseline.\n\nFusion by default: **{(fusion ? "on" : "off")}** ({fusionWhy}).\n").ToString();
    }
}
