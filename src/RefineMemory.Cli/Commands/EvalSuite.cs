using System.Globalization;
using System.Text;
using System.Text.Json;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Evaluation.Reports;
using Spectre.Console;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine eval --suite paper</c>: the README table. For ArgKP-21 (train+dev) and CLINC150 (train), with the
/// chosen embedder, judges gold and simulated p = 0.1, 0.2, 0.3, two settings each: the paper's (lr 1e-4, 100
/// steps) and a tuned one, chosen per dataset and judge by MAP on a held-out split that the table does not use
/// (ArgKP-21's test split: 33 other key points on other topics; CLINC150's validation utterances) over the grid
/// lr x steps below. Every cell is run twice: queries embedded with the paper's instruction template, and as
/// written (USE-Lite is not instruction-tuned, and the prefix lowers its baseline). Writes suite.md, suite.json,
/// tuning.md and every run's report folder.
/// </summary>
internal static class EvalSuite
{
    private static readonly (string Table, string Tuning)[] Datasets = [("argkp21", "argkp21:test"), ("clinc150", "clinc150:val")];
    private static readonly string[] Judges = ["gold", "simulated:0.1", "simulated:0.2", "simulated:0.3"];
    private static readonly double[] GridLearningRates = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2];
    private static readonly int[] GridSteps = [100, 300];

    private sealed record Row(bool Instruction, string Dataset, string Judge, string Setting, double Lr, int Steps, MethodSummary Baseline, MethodSummary Refined, MethodSummary? Rerank, int Queries);

    public static async Task<int> RunAsync(string name, EvalSettings baseSettings, string outDir, IAnsiConsole console, string commandLine, CancellationToken ct)
    {
        if (!string.Equals(name, "paper", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliInputException($"Unknown suite '{name}': use paper.");
        }

        Directory.CreateDirectory(outDir);
        var cache = new EmbeddingMatrixCache(baseSettings.CacheDirectory ?? EmbeddingMatrixCache.DefaultDirectory);
        var rows = new List<Row>();
        var tuning = new StringBuilder("# Tuning on held-out splits (MAP of the refined ranking)\n\n");
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var embedder = EmbedderFactory.Create(baseSettings.Embedder);

        foreach (bool instruction in new[] { true, false })
        {
            var settingsForPass = baseSettings with { UseInstructions = instruction };
            foreach (var (tableName, tuningName) in Datasets)
            {
                var table = EvalPipeline.LoadDataset(baseSettings with { Dataset = tableName });
                var held = EvalPipeline.LoadDataset(baseSettings with { Dataset = tuningName, Queries = null });
                DatasetEmbeddings tableEmbeddings = null!, heldEmbeddings = null!;
                await console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).StartAsync(async ctx =>
                {
                    foreach (var (set, assign) in new (EvalDataset, Action<DatasetEmbeddings>)[] { (table, e => tableEmbeddings = e), (held, e => heldEmbeddings = e) })
                    {
                        var task = ctx.AddTask($"embed {set.Name}");
                        var (e, _) = await cache.GetOrEmbedAsync(baseSettings.Embedder, embedder, set, instruction,
                            new Progress<EmbeddingProgress>(p => { task.MaxValue = p.Total; task.Value = p.Done; }), ct);
                        task.Value = task.MaxValue;
                        assign(e);
                    }
                });

                tuning.Append(CultureInfo.InvariantCulture, $"## {tableName}, query instruction {(instruction ? "on" : "off")} (tuned on {held.Name}: {held.Queries.Count} queries, {held.PairCount} pairs)\n\n");
                foreach (string judgeSpec in Judges)
                {
                    var (bestLr, bestSteps, grid) = await TuneAsync(settingsForPass, judgeSpec, held, heldEmbeddings, console, ct);
                    tuning.Append(CultureInfo.InvariantCulture, $"- {judgeSpec}: baseline MAP {grid.Baseline:0.0000}; ")
                          .Append(string.Join(", ", grid.Cells.Select(c => $"lr {c.Lr:0.####} x {c.Steps} → {c.Map:0.0000}")))
                          .Append(CultureInfo.InvariantCulture, $"; **chosen lr {bestLr:0.####}, {bestSteps} steps**\n");
                    foreach (var (setting, lr, steps) in new[] { ("paper", 1e-4, 100), ("tuned", bestLr, bestSteps) })
                    {
                        var s = settingsForPass with { Dataset = tableName, Judge = judgeSpec, LearningRate = lr, Steps = steps };
                        var judge = EvalJudgeFactory.Create(judgeSpec, table, s.Seed);
                        var result = await new EvaluationRunner(judge.JudgeFor, s.ToOptions()).RunAsync(table, tableEmbeddings, null, ct);
                        string folder = Path.Combine(outDir, EvalCommand.Safe($"{tableName}-{(instruction ? "instr" : "plain")}-{judgeSpec}-{setting}"));
                        ReportSet.Write(result, new RunInfo(s.Embedder, judge.Description, $"{commandLine} (run {tableName}, {judgeSpec}, lr {lr}, {steps} steps)", judge.IsOracle), folder);
                        var row = new Row(instruction, tableName, judgeSpec, setting, lr, steps, result.Summary(EvalMethods.Baseline), result.Summary(EvalMethods.Refined),
                            result.MethodNames.Contains(EvalMethods.Rerank) ? result.Summary(EvalMethods.Rerank) : null, result.Queries.Count);
                        rows.Add(row);
                        console.MarkupLineInterpolated($"{tableName} instruction {(instruction ? "on" : "off")} {judgeSpec} {setting} (lr {lr}, {steps} steps): MAP {EvalPipeline.F(row.Baseline.Map)} -> {EvalPipeline.F(row.Refined.Map)} ({EvalPipeline.Percent(row.Refined.MapVersusBaseline!.RelativeGain)})");
                    }
                }

                tuning.Append('\n');
            }
        }

        string markdown = Markdown(rows, baseSettings, commandLine, started.Elapsed);
        await File.WriteAllTextAsync(Path.Combine(outDir, "suite.md"), markdown, ct);
        await File.WriteAllTextAsync(Path.Combine(outDir, "tuning.md"), tuning.ToString(), ct);
        await File.WriteAllTextAsync(Path.Combine(outDir, "suite.json"), Json(rows), ct);
        console.WriteLine(markdown);
        console.MarkupLineInterpolated($"wrote [blue]{Path.Combine(outDir, "suite.md")}[/], tuning.md, suite.json and {rows.Count} report folders");
        return 0;
    }

    private sealed record Grid(double Baseline, List<(double Lr, int Steps, double Map)> Cells);

    private static async Task<(double Lr, int Steps, Grid Grid)> TuneAsync(EvalSettings baseSettings, string judgeSpec, EvalDataset held, DatasetEmbeddings embeddings, IAnsiConsole console, CancellationToken ct)
    {
        var grid = new Grid(double.NaN, []);
        double baseline = double.NaN;
        foreach (double lr in GridLearningRates)
        {
            foreach (int steps in GridSteps)
            {
                var s = baseSettings with { Judge = judgeSpec, LearningRate = lr, Steps = steps, IncludeRerank = false, BootstrapSamples = 1 };
                var judge = EvalJudgeFactory.Create(judgeSpec, held, s.Seed);
                var result = await new EvaluationRunner(judge.JudgeFor, s.ToOptions()).RunAsync(held, embeddings, null, ct);
                baseline = result.Summary(EvalMethods.Baseline).Map;
                grid.Cells.Add((lr, steps, result.Summary(EvalMethods.Refined).Map));
            }
        }

        var best = grid.Cells.MaxBy(c => c.Map);
        console.MarkupLineInterpolated($"tuned {held.Name} {judgeSpec}: lr {best.Lr}, {best.Steps} steps (held-out MAP {EvalPipeline.F(baseline)} -> {EvalPipeline.F(best.Map)})");
        return (best.Lr, best.Steps, grid with { Baseline = baseline });
    }

    private static string Markdown(List<Row> rows, EvalSettings s, string commandLine, TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Embedder {s.Embedder}; {s.Feedback} feedback documents (the top ones) per query; 95 % paired-bootstrap CIs ({s.BootstrapSamples} resamples) of the relative MAP gain. Produced by `{commandLine}` in {elapsed.TotalMinutes:0.0} min.\n");
        foreach (bool instruction in new[] { false, true })
        {
            sb.Append(instruction
                ? "\n### Queries embedded with the paper's instruction template (\"Instruct: {instruction}\\nQuery: {text}\")\n\n"
                : "\n### Queries embedded as written (no instruction prefix; the judge still sees the instruction)\n\n");
            sb.Append("| dataset | judge | setting | lr | steps | MAP baseline | MAP refined | relative gain | 95 % CI | MAP rerank-only | queries |\n");
            sb.Append("|---|---|---|---|---|---|---|---|---|---|---|\n");
            foreach (var r in rows.Where(r => r.Instruction == instruction))
            {
                var c = r.Refined.MapVersusBaseline!;
                sb.Append(CultureInfo.InvariantCulture, $"| {r.Dataset} | {r.Judge} | {r.Setting} | {r.Lr:0.####} | {r.Steps} | {EvalPipeline.F(r.Baseline.Map)} | {EvalPipeline.F(r.Refined.Map)} | {EvalPipeline.Percent(c.RelativeGain)} | [{EvalPipeline.Percent(c.RelativeLow)}, {EvalPipeline.Percent(c.RelativeHigh)}] | {(r.Rerank is null ? "" : EvalPipeline.F(r.Rerank.Map))} | {r.Queries} |\n");
            }
        }

        return sb.ToString();
    }

    private static string Json(List<Row> rows) => JsonSerializer.Serialize(rows.Select(r => new
    {
        queryInstruction = r.Instruction,
        dataset = r.Dataset,
        judge = r.Judge,
        setting = r.Setting,
        learningRate = r.Lr,
        steps = r.Steps,
        queries = r.Queries,
        mapBaseline = r.Baseline.Map,
        mapRefined = r.Refined.Map,
        mapRerank = r.Rerank?.Map,
        relativeGain = r.Refined.MapVersusBaseline!.RelativeGain,
        relativeGainCi = new[] { r.Refined.MapVersusBaseline.RelativeLow, r.Refined.MapVersusBaseline.RelativeHigh },
        aucBaseline = r.Baseline.Auc,
        aucRefined = r.Refined.Auc,
        ndcg10Baseline = r.Baseline.Ndcg10,
        ndcg10Refined = r.Refined.Ndcg10,
    }), new JsonSerializerOptions { WriteIndented = true });
}
