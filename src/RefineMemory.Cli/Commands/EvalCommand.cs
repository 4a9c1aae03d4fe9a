using System.CommandLine;
using RefineMemory.Evaluation.Reports;
using Spectre.Console;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine eval --dataset NAME|PATH [--embedder use-lite] [--judge gold|simulated:P|chat] [--queries N] [--seed S]
/// [--lr X] [--steps N] [--step-rule fixed|scaled] [--out DIR]</c>: the paper's protocol on a labelled set; writes summary.json,
/// per_query.csv and report.html. <c>refine eval --suite paper|steps|temperature</c> runs the test tables or the
/// validation grids (see <see cref="EvalSuite"/>, <see cref="EvalGrids"/>).
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = "argkp21, argkp21:train|dev|test, clinc150, clinc150:val|test, cranfield, cranfield:val|test, pairs:FILE.jsonl|csv, beir:DIR, or a path." };
        var embedder = EmbedderFactory.Option();
        var judge = new Option<string>("--judge") { Description = "gold | simulated:P | chat (REFINE_CHAT_* variables) | cross-encoder:DIR (ONNX) | embedder:MODEL (a second embedder's cosines).", DefaultValueFactory = _ => "gold" };
        var queries = new Option<int?>("--queries") { Description = "Evaluate N queries drawn with --seed (default all)." };
        var seed = new Option<int>("--seed") { Description = "Seed of query sampling, simulated judge and bootstrap.", DefaultValueFactory = _ => 42 };
        var paperStep = new Option<bool>("--paper-step") { Description = "The paper's fixed step: lr 1e-4, 100 steps, no angle budget (default: the validated step, lr 1e-4 x sqrt(1024/d), at most 1000 steps, angle budget 0.45 rad)." };
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate, used as given (default: 1e-4 x sqrt(1024/d))." };
        var steps = new Option<int?>("--steps") { Description = "Most Adam steps (default 1000; 100 with --paper-step)." };
        var stepRule = new Option<string?>("--step-rule") { Description = "Default rate: scaled (1e-4 x sqrt(1024/d), the default) or fixed (1e-4 at any dimension)." };
        var maxAngle = new Option<double?>("--max-angle") { Description = "Stop once the query turned this many radians (default 0.45; pi for no budget)." };
        var plateau = new Option<double?>("--plateau") { Description = "Stop once the loss fell by less than this fraction over 10 steps." };
        var judgeTemperature = new Option<double>("--judge-temperature") { Description = "Temperature of an embedder:MODEL judge (teacher softmax(cosine/T)).", DefaultValueFactory = _ => RefineMemory.Judge.EmbeddingRelevanceJudgeOptions.DefaultTemperature };
        var feedback = new Option<int>("--feedback") { Description = "Documents judged per query (default 20, the top ones).", DefaultValueFactory = _ => 20 };
        var output = new Option<string?>("--out") { Description = "Output folder (default artifacts/eval/DATASET-JUDGE)." };
        var noInstruction = new Option<bool>("--no-instruction") { Description = "Embed queries without the task instruction." };
        var noRerank = new Option<bool>("--no-rerank") { Description = "Leave out the rerank-only baseline." };
        var parallel = new Option<int>("--parallel") { Description = "Queries evaluated at once (helps with a remote judge).", DefaultValueFactory = _ => 1 };
        var instruction = new Option<string?>("--instruction") { Description = "Instruction of generic-format queries that name none." };
        var sharedDir = new Option<string?>("--shared-dir") { Description = "Folder holding datasets/ (default: $REFINE_SHARED_DIR or ../shared).", DefaultValueFactory = _ => CliEnvironment.SharedDirectory };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Embedding cache folder (default ~/.cache/refine/eval or $REFINE_CACHE_DIR/eval)." };
        var suite = new Option<string?>("--suite") { Description = "Run a named set of evaluations: paper (the test tables), steps or temperature (the validation grids that chose the defaults), budget (feedback strategies x budgets x judges on the validation splits)." };
        var suiteJudges = new Option<string?>("--judges") { Description = "Suites: comma-separated judges replacing the suite's list (e.g. gold,simulated:0.2,embedder:onnx:DIR)." };
        var suiteDatasets = new Option<string?>("--datasets") { Description = "Suites: comma-separated datasets replacing the suite's list." };
        var strategy = FeedbackCommandOptions.Strategy();
        var judgeBatch = FeedbackCommandOptions.JudgeBatch();
        var budgets = new Option<string?>("--budgets") { Description = "--suite budget: comma-separated feedback budgets replacing 5,10,20." };
        var strategies = new Option<string?>("--strategies") { Description = "--suite budget: comma-separated strategies replacing all of them." };

        var command = new Command("eval", "Evaluate refinement against baselines on a labelled set (MAP, ROC-AUC, nDCG@10, recall; bootstrap CIs; HTML report).");
        foreach (var o in new Option[] { dataset, embedder, judge, queries, seed, paperStep, lr, steps, stepRule, maxAngle, plateau, judgeTemperature, feedback, output, noInstruction, noRerank, parallel, instruction, sharedDir, cacheDir, suite, suiteJudges, suiteDatasets, strategy, judgeBatch, budgets, strategies })
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, ct) =>
        {
            var console = TerminalText.StandardOutput();
            var settings = new EvalSettings
            {
                Dataset = parse.GetValue(dataset) ?? "",
                Embedder = parse.GetValue(embedder)!,
                Judge = parse.GetValue(judge)!,
                Queries = parse.GetValue(queries),
                Seed = parse.GetValue(seed),
                PaperStep = parse.GetValue(paperStep),
                LearningRate = parse.GetValue(lr),
                Steps = parse.GetValue(steps),
                StepRule = ParseStepRule(parse.GetValue(stepRule)),
                MaxAngle = parse.GetValue(maxAngle),
                LossPlateau = parse.GetValue(plateau),
                JudgeTemperature = parse.GetValue(judgeTemperature),
                Feedback = parse.GetValue(feedback),
                Strategy = FeedbackCommandOptions.ParseStrategy(parse.GetValue(strategy)),
                JudgeBatch = FeedbackCommandOptions.ParseJudgeBatch(parse.GetValue(judgeBatch)),
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
                string suiteOut = parse.GetValue(output) ?? "artifacts/eval/suite-" + suiteName;
                if (string.Equals(suiteName, EvalBudgetGrid.Name, StringComparison.OrdinalIgnoreCase))
                {
                    var grid = EvalBudgetGrid.Parse(List(parse.GetValue(budgets)), List(parse.GetValue(strategies)));
                    return await EvalBudgetGrid.RunAsync(settings, grid, List(parse.GetValue(suiteDatasets)), List(parse.GetValue(suiteJudges)), suiteOut, console, commandLine, ct);
                }

                return await EvalSuite.RunAsync(suiteName, settings, List(parse.GetValue(suiteDatasets)), List(parse.GetValue(suiteJudges)), suiteOut, console, commandLine, ct);
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

        // The documented bounds and the judge are checked here, before any data is loaded or embedded.
        try
        {
            s.ToOptions().Refinement.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new CliInputException($"--lr/--steps/--feedback: {ex.Message}", ex);
        }

        if (!string.IsNullOrWhiteSpace(s.Judge))
        {
            EvalJudgeFactory.Validate(s.Judge);
        }

        if (s.MaxAngle is double angle && !(angle > 0 && angle <= Math.PI))
        {
            throw new CliInputException($"--max-angle must be in (0, 3.14159] radians; got {angle}.");
        }

        if (s.LossPlateau is double p && !(p >= 0 && p < 1))
        {
            throw new CliInputException($"--plateau must be in [0, 1); got {p}.");
        }

        if (!(s.JudgeTemperature > 0 && double.IsFinite(s.JudgeTemperature)))
        {
            throw new CliInputException($"--judge-temperature must be a positive number; got {s.JudgeTemperature}.");
        }
    }

    private static RefineMemory.Refine.StepSizeRule? ParseStepRule(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "fixed" => RefineMemory.Refine.StepSizeRule.Fixed,
        "scaled" or "dimension-scaled" => RefineMemory.Refine.StepSizeRule.DimensionScaled,
        _ => throw new CliInputException($"--step-rule must be fixed or scaled; got '{value}'."),
    };

    private static string[]? List(string? value) =>
        value is null ? null : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } items
            ? items
            : throw new CliInputException("--judges and --datasets need at least one comma-separated item.");

    internal static string Safe(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
}
