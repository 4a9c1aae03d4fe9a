using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Judge;
using RefineMemory.Refine;

namespace RefineMemory.Cli.Commands;

/// <summary>What one <c>refine eval</c> run does; shared by <c>eval</c>, <c>eval --suite</c> and <c>demo</c>.</summary>
internal sealed record EvalSettings
{
    public required string Dataset { get; init; }

    public string Embedder { get; init; } = EmbedderFactory.DefaultModel;

    public string Judge { get; init; } = "gold";

    /// <summary>Evaluate this many queries, drawn with <see cref="Seed"/> (all when null).</summary>
    public int? Queries { get; init; }

    public int Seed { get; init; } = 42;

    public double? LearningRate { get; init; }

    /// <summary>Adam steps; <c>null</c>: the library's default.</summary>
    public int? Steps { get; init; }

    /// <summary>How the default rate follows from the dimension; <c>null</c>: the library's default.</summary>
    public StepSizeRule? StepRule { get; init; }

    /// <summary>Angle budget in radians; <c>null</c>: the library's default.</summary>
    public double? MaxAngle { get; init; }

    /// <summary>Loss plateau tolerance; <c>null</c>: the library's default.</summary>
    public double? LossPlateau { get; init; }

    /// <summary>Temperature of an <c>embedder:NAME</c> judge.</summary>
    public double JudgeTemperature { get; init; } = EmbeddingRelevanceJudgeOptions.DefaultTemperature;

    public int Feedback { get; init; } = 20;

    /// <summary>Which documents are judged (<see cref="RefinementOptions.FeedbackStrategy"/>).</summary>
    public FeedbackStrategy Strategy { get; init; } = FeedbackStrategy.Top;

    /// <summary>Documents per call of a chat judge (<see cref="ChatRelevanceJudgeOptions.BatchSize"/>).</summary>
    public int JudgeBatch { get; init; } = 1;

    public bool UseInstructions { get; init; } = true;

    public bool IncludeRerank { get; init; } = true;

    public int Parallel { get; init; } = 1;

    public int BootstrapSamples { get; init; } = 2000;

    public string? SharedDirectory { get; init; }

    public string? CacheDirectory { get; init; }

    /// <summary>The cache folder in effect: <see cref="CacheDirectory"/>, else <c>$REFINE_CACHE_DIR/eval</c>, else <c>~/.cache/refine/eval</c>.</summary>
    public string CacheFolder => CacheDirectory ?? Path.Combine(
        Environment.GetEnvironmentVariable("REFINE_CACHE_DIR") is { Length: > 0 } d ? d : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "refine"),
        "eval");

    /// <summary>
    /// Embeds <paramref name="dataset"/> through the one embedding cache (<see cref="DiskCachingEmbeddingGenerator"/>, in
    /// <see cref="CacheFolder"/>): a second run, another split of the same set or instructions switched on or off
    /// embed only the texts not seen before.
    /// </summary>
    public async Task<DatasetEmbeddings> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> embedder, EvalDataset dataset, IProgress<EmbeddingProgress>? progress, CancellationToken ct)
    {
        // Not disposed: that would dispose the caller's embedder, which it still uses (HyDE).
        var cached = new DiskCachingEmbeddingGenerator(embedder, CacheFolder, Embedder);
        return await DatasetEmbedder.EmbedAsync(cached, dataset, UseInstructions, progress: progress, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>The instruction of generic-format queries that name none.</summary>
    public string? Instruction { get; init; }

    /// <summary>
    /// The paper's fixed step (lr 1e-4, 100 steps, no angle budget) instead of the validated one
    /// (<see cref="RefinementOptions.UseValidatedStep"/>) that evaluations start from.
    /// </summary>
    public bool PaperStep { get; init; }

    /// <summary>These settings with the paper's fixed step and no step overrides.</summary>
    public EvalSettings WithPaperStep() => this with { PaperStep = true, LearningRate = null, Steps = null, StepRule = null, MaxAngle = null, LossPlateau = null };

    public EvaluationOptions ToOptions()
    {
        var refinement = new RefinementOptions
        {
            LearningRate = LearningRate,
            FeedbackCount = Feedback,
            FeedbackFromTop = Feedback,
            FeedbackStrategy = Strategy,
            Seed = Seed,

            // An evaluation measures quality, not latency: a slow judge (a local model on a busy machine) must not
            // turn into unrefined queries. Queries left unrefined for any reason are still counted and reported.
            JudgeBudget = RefinementOptions.MaxJudgeBudget,
        };
        if (PaperStep)
        {
            refinement.UsePaperStep();
            refinement.LearningRate = LearningRate;
        }

        refinement.Steps = Steps ?? refinement.Steps;
        refinement.StepRule = StepRule ?? refinement.StepRule;
        refinement.MaxAngle = MaxAngle ?? refinement.MaxAngle;
        refinement.LossPlateauTolerance = LossPlateau ?? refinement.LossPlateauTolerance;
        return new()
        {
            Refinement = refinement,
            IncludeRerank = IncludeRerank,
            MaxDegreeOfParallelism = Parallel,
            BootstrapSamples = BootstrapSamples,
            BootstrapSeed = Seed,
        };
    }
}
