using RefineMemory.Embed;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Evaluation.Reports;
using Spectre.Console;

namespace RefineMemory.Cli.Commands;

/// <summary>Loads a set, embeds it (through the on-disk cache), runs the protocol with progress bars.</summary>
internal static class EvalPipeline
{
    public static EvalDataset LoadDataset(EvalSettings s)
    {
        EvalDataset dataset;
        try
        {
            dataset = DatasetCatalog.Load(s.Dataset, s.SharedDirectory, s.Instruction);
        }
        catch (DatasetFormatException ex)
        {
            throw new CliInputException(ex.Message, ex);
        }

        return Select(dataset, s.Queries, s.Seed);
    }

    /// <summary><paramref name="count"/> queries drawn without replacement with <paramref name="seed"/>, in set order.</summary>
    public static EvalDataset Select(EvalDataset dataset, int? count, int seed)
    {
        if (count is not int n || n >= dataset.Queries.Count)
        {
            return dataset;
        }

        if (n < 1)
        {
            throw new CliInputException($"--queries must be at least 1; got {n}.");
        }

        var order = Enumerable.Range(0, dataset.Queries.Count).ToArray();
        new Random(seed).Shuffle(order);
        var keep = order.Take(n).ToHashSet();
        int i = 0;
        return dataset.Where(_ => keep.Contains(i++));
    }

    public static async Task<(EvaluationResult Result, RunInfo Info)> RunAsync(
        EvalSettings s, EvalDataset dataset, IAnsiConsole console, string command, CancellationToken ct)
    {
        var judge = EvalJudgeFactory.Create(s.Judge, dataset, s);
        try
        {
            EvaluationResult? result = null;
            await console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var embedTask = ctx.AddTask($"embed {dataset.Name} ({s.Embedder})");
                    var queryTask = ctx.AddTask($"evaluate {dataset.Queries.Count} queries ({judge.Description})", autoStart: false, maxValue: dataset.Queries.Count);
                    using var embedder = EmbedderFactory.Create(s.Embedder);
                    HydeVectorSource? hyde = null;
                    if (judge.Chat is { } chat)
                    {
                        // HyDE runs whenever a chat model is in play: the same model writes the hypothetical passage.
                        var writer = new HydeQueryWriter(chat, new HydeOptions { Seed = s.Seed });
                        hyde = async (query, instruction, token) => (await writer.EmbedAsync(query, instruction, embedder, token)).Vector;
                    }

                    var runner = new EvaluationRunner(judge.JudgeFor, s.ToOptions(), hyde);
                    var embeddings = await s.EmbedAsync(embedder, dataset, new Progress<EmbeddingProgress>(p => { embedTask.MaxValue = p.Total; embedTask.Value = p.Done; }), ct);
                    embedTask.Value = embedTask.MaxValue;
                    embedTask.StopTask();
                    queryTask.StartTask();
                    result = await runner.RunAsync(dataset, embeddings, new Progress<EvaluationProgress>(p => queryTask.Value = p.Done), ct);
                    queryTask.Value = queryTask.MaxValue;
                });
            return (result!, new RunInfo(s.Embedder, judge.Description, command, judge.IsOracle));
        }
        finally
        {
            judge.Chat?.Dispose();
            judge.Owned?.Dispose();
        }
    }

    /// <summary>Prints the method table: means, relative MAP gain and its interval.</summary>
    public static void PrintSummary(IAnsiConsole console, EvaluationResult result)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("method", "MAP", "AUC", "nDCG@10", "R@10", "R@20", "MAP gain", $"{result.Options.Confidence * 100:0}% CI, %");
        foreach (var s in result.Summaries)
        {
            var c = s.MapVersusBaseline;
            table.AddRow(new[] {
                s.Method, F3(s.Map), F3(s.Auc), F3(s.Ndcg10), F3(s.Recall10), F3(s.Recall20),
                c is null ? "" : Percent(c.RelativeGain),
                c is null ? "" : $"{Short(c.RelativeLow)}..{Short(c.RelativeHigh)}" }.Select(x => new Text(x)).ToArray());
        }

        console.Write(table);
    }

    internal static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);

    private static string F3(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);

    private static string Short(double v) => double.IsNaN(v) ? "n/a" : (v * 100).ToString("+0.0;-0.0;0.0", System.Globalization.CultureInfo.InvariantCulture);

    internal static string Percent(double v) =>
        double.IsNaN(v) ? "n/a" : (v * 100).ToString("+0.0;-0.0;0.0", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
