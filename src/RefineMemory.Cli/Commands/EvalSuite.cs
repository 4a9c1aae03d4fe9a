using System.Globalization;
using System.Text;
using System.Text.Json;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Evaluation.Reports;
using RefineMemory.Refine;
using Spectre.Console;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine eval --suite paper</c>: the quality tables. On the test splits (ArgKP-21 test, CLINC150 test utterances,
/// Cranfield's odd-position queries; <c>--datasets</c> replaces the list, e.g. with the paper's <c>clinc150</c> train pool), with the chosen embedder,
/// for each judge (default gold and simulated p = 0.1, 0.2, 0.3; <c>--judges</c> replaces the list), one run scores
/// on the same judgments: the baseline, refinement with the validated step (<see cref="RefineMemory.Refine.RefinementOptions.UseValidatedStep"/>,
/// or the step flags given), refinement with the paper's fixed step (lr 1e-4, 100 steps) and rerank-only; MAP, nDCG@10, R@10 and relative gains with 95 % paired-bootstrap CIs.
/// HyDE needs a chat model and is left out. Writes suite.md, suite.json, suite.html (gain against judge noise, loss
/// curves) and every run's report folder. <c>--suite steps</c> and <c>--suite temperature</c> are the validation
/// grids that chose the defaults (<see cref="EvalGrids"/>).
/// </summary>
internal static class EvalSuite
{
    public const string PaperSetting = "paper";

    private static readonly string[] TestSets = ["argkp21:test", "clinc150:test", "cranfield:test"];
    private static readonly string[] DefaultJudges = ["gold", "simulated:0.1", "simulated:0.2", "simulated:0.3"];

    public static async Task<int> RunAsync(string name, EvalSettings settings, IReadOnlyList<string>? datasets, IReadOnlyList<string>? judges, string outDir, IAnsiConsole console, string commandLine, CancellationToken ct)
    {
        switch (name.ToLowerInvariant())
        {
            case "paper":
                break;
            case "steps":
                return await EvalGrids.StepsAsync(settings, datasets, judges, outDir, console, commandLine, ct);
            case "temperature":
                return await EvalGrids.TemperatureAsync(settings, datasets, judges, outDir, console, commandLine, ct);
            default:
                throw new CliInputException($"Unknown suite '{name}': use paper (test tables), steps or temperature (validation grids).");
        }

        Directory.CreateDirectory(outDir);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var rows = new List<SuiteRow>();
        using var embedder = EmbedderFactory.Create(settings.Embedder);
        foreach (string set in datasets ?? TestSets)
        {
            var data = EvalPipeline.LoadDataset(settings with { Dataset = set });
            var embeddings = await EmbedAsync(settings, data, embedder, console, ct);
            foreach (string judgeSpec in judges ?? DefaultJudges)
            {
                var s = settings with { Dataset = set, Judge = judgeSpec };
                var options = s.ToOptions();
                options.AlternativeRefinements = [(PaperSetting, s.WithPaperStep().ToOptions().Refinement)];
                var judge = EvalJudgeFactory.Create(judgeSpec, data, s);
                EvaluationResult result;
                try
                {
                    result = await new EvaluationRunner(judge.JudgeFor, options).RunAsync(data, embeddings, null, ct);
                }
                finally
                {
                    judge.Owned?.Dispose();
                }

                ReportSet.Write(result, new RunInfo(s.Embedder, judge.Description, $"{commandLine} (run {set}, {judgeSpec})", judge.IsOracle), Path.Combine(outDir, EvalCommand.Safe($"{set}-{judgeSpec}")));
                var row = new SuiteRow(set, judgeSpec, judge.IsOracle, result.Queries.Count, result.Summary(EvalMethods.Baseline), result.Summary(EvalMethods.Refined),
                    result.Summary(EvalMethods.RefinedWith(PaperSetting)), result.MethodNames.Contains(EvalMethods.Rerank) ? result.Summary(EvalMethods.Rerank) : null, MeanLoss(result));
                rows.Add(row);
                console.MarkupLineInterpolated($"{set} {judgeSpec}: MAP {EvalPipeline.F(row.Baseline.Map)} -> default {EvalPipeline.F(row.Default.Map)} ({EvalPipeline.Percent(row.Default.MapVersusBaseline!.RelativeGain)}), paper {EvalPipeline.F(row.Paper.Map)} ({EvalPipeline.Percent(row.Paper.MapVersusBaseline!.RelativeGain)})");
            }
        }

        var defaults = settings.ToOptions().Refinement;
        string settingText = ReportFormat.Step(defaults);
        var info = new SuiteInfo(settings.Embedder, settings.UseInstructions, settings.Feedback, settings.BootstrapSamples, settingText, commandLine, started.Elapsed, DateTime.UtcNow);
        string markdown = SuiteReportWriter.Markdown(rows, info);
        await File.WriteAllTextAsync(Path.Combine(outDir, "suite.md"), markdown, ct);
        await File.WriteAllTextAsync(Path.Combine(outDir, "suite.html"), SuiteReportWriter.Html(rows, info), ct);
        await File.WriteAllTextAsync(Path.Combine(outDir, "suite.json"), JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }), ct);
        console.WriteLine(markdown);
        console.MarkupLineInterpolated($"wrote [blue]{Path.Combine(outDir, "suite.md")}[/], suite.html, suite.json and {rows.Count} report folders");
        return 0;
    }

    internal static async Task<DatasetEmbeddings> EmbedAsync(EvalSettings settings, EvalDataset data, Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> embedder, IAnsiConsole console, CancellationToken ct)
    {
        DatasetEmbeddings embeddings = null!;
        await console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).StartAsync(async ctx =>
        {
            var task = ctx.AddTask($"embed {data.Name} ({settings.Embedder})");
            embeddings = await settings.EmbedAsync(embedder, data, new Progress<EmbeddingProgress>(p => { task.MaxValue = p.Total; task.Value = p.Done; }), ct);
            task.Value = task.MaxValue;
        });
        return embeddings;
    }

    /// <summary>Mean over refined queries of loss[step] / loss[0] (queries that stopped early hold their last value).</summary>
    private static double[] MeanLoss(EvaluationResult result)
    {
        var curves = result.Queries.Where(q => q.Loss.Count > 1 && q.Loss[0] > 0).Select(q => q.Loss).ToArray();
        if (curves.Length == 0)
        {
            return [];
        }

        int steps = curves.Max(c => c.Count);
        var mean = new double[steps];
        foreach (var c in curves)
        {
            for (int i = 0; i < steps; i++)
            {
                mean[i] += c[Math.Min(i, c.Count - 1)] / c[0] / curves.Length;
            }
        }

        return mean;
    }
}
