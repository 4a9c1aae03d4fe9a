using System.CommandLine;
using RefineMemory.Evaluation.Reports;
using Spectre.Console;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine eval --dataset NAME|PATH [--embedder use-lite] [--judge gold|simulated:P|chat] [--queries N] [--seed S]
/// [--lr X] [--steps N] [--out DIR]</c>: the paper's protocol on a labelled set; writes summary.json, per_query.csv
/// and report.html. <c>refine eval --suite paper --out DIR</c> runs the README's table (see <see cref="EvalSuite"/>).
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = "argkp21, argkp21:test, clinc150, clinc150:val, cranfield, pairs:FILE.jsonl|csv, beir:DIR, or a path." };
        var embedder = EmbedderFactory.Option();
        var judge = new Option<string>("--judge") { Description = "gold | simulated:P | chat (REFINE_CHAT_* variables) | cross-encoder:DIR (ONNX).", DefaultValueFactory = _ => "gold" };
        var queries = new Option<int?>("--queries") { Description = "Evaluate N queries drawn with --seed (default all)." };
        var seed = new Option<int>("--seed") { Description = "Seed of query sampling, simulated judge and bootstrap.", DefaultValueFactory = _ => 42 };
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate (default 1e-4, the paper's)." };
        var steps = new Option<int>("--steps") { Description = "Adam steps (default 100, the paper's).", DefaultValueFactory = _ => 100 };
        var feedback = new Option<int>("--feedback") { Description = "Documents judged per query (default 20, the top ones).", DefaultValueFactory = _ => 20 };
        var output = new Option<string?>("--out") { Description = "Output folder (default artifacts/eval/DATASET-JUDGE)." };
        var noInstruction = new Option<bool>("--no-instruction") { Description = "Embed queries without the task instruction." };
        var noRerank = new Option<bool>("--no-rerank") { Description = "Leave out the rerank-only baseline." };
        var parallel = new Option<int>("--parallel") { Description = "Queries evaluated at once (helps with a remote judge).", DefaultValueFactory = _ => 1 };
        var instruction = new Option<string?>("--instruction") { Description = "Instruction of generic-format queries that name none." };
        var sharedDir = new Option<string?>("--shared-dir") { Description = "Folder holding datasets/ (default: $REFINE_SHARED_DIR or ../shared)." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Embedding cache folder (default ~/.cache/refine/eval or $REFINE_CACHE_DIR/eval)." };
        var suite = new Option<string?>("--suite") { Description = "Run a named grid instead of one evaluation: paper (the README table)." };

        var command = new Command("eval", "Evaluate refinement against baselines on a labelled set (MAP, ROC-AUC, nDCG@10, recall; bootstrap CIs; HTML report).");
        foreach (var o in new Option[] { dataset, embedder, judge, queries, seed, lr, steps, feedback, output, noInstruction, noRerank, parallel, instruction, sharedDir, cacheDir, suite })
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, ct) =>
        {
            var console = AnsiConsole.Console;
            var settings = new EvalSettings
            {
                Dataset = parse.GetValue(dataset) ?? "",
                Embedder = parse.GetValue(embedder)!,
                Judge = parse.GetValue(judge)!,
                Queries = parse.GetValue(queries),
                Seed = parse.GetValue(seed),
                LearningRate = parse.GetValue(lr),
                Steps = parse.GetValue(steps),
                Feedback = parse.GetValue(feedback),
                UseInstructions = !parse.GetValue(noInstruction),
                IncludeRerank = !parse.GetValue(noRerank),
                Parallel = parse.GetValue(parallel),
                Instruction = parse.GetValue(instruction),
                SharedDirectory = parse.GetValue(sharedDir),
                CacheDirectory = parse.GetValue(cacheDir),
            };
            Validate(settings);
            string commandLine = "refine " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            if (parse.GetValue(suite) is { } suiteName)
            {
                return await EvalSuite.RunAsync(suiteName, settings, parse.GetValue(output) ?? "artifacts/eval/suite-" + suiteName, console, commandLine, ct);
            }

            if (string.IsNullOrWhiteSpace(settings.Dataset))
            {
                throw new CliInputException("--dataset is required (or --suite paper).");
            }

            var data = EvalPipeline.LoadDataset(settings);
            if (settings.UseInstructions && settings.Embedder == RefineMemory.Embed.EmbedderName.UseLite && data.Queries.Any(q => q.Instruction is not null))
            {
                console.MarkupLine("[grey]note: queries are embedded with the paper's instruction template; USE-Lite is not instruction-tuned and scores a stronger baseline with --no-instruction (see docs/evaluation.md).[/]");
            }

            string outDir = parse.GetValue(output) ?? Path.Combine("artifacts", "eval", Safe(data.Name) + "-" + Safe(settings.Judge));
            var (result, info) = await EvalPipeline.RunAsync(settings, data, console, commandLine, ct);
            EvalPipeline.PrintSummary(console, result);
            foreach (string file in ReportSet.Write(result, info, outDir))
            {
                console.MarkupLineInterpolated($"wrote [blue]{file}[/]");
            }

            return 0;
        });
        return command;
    }

    private static void Validate(EvalSettings s)
    {
        if (s.LearningRate is double x && !(x > 0 && double.IsFinite(x)))
        {
            throw new CliInputException($"--lr must be a positive number; got {x}.");
        }

        if (s.Steps < 1 || s.Feedback < 1 || s.Parallel < 1)
        {
            throw new CliInputException("--steps, --feedback and --parallel must be at least 1.");
        }
    }

    internal static string Safe(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
}
