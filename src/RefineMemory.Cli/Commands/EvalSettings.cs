using RefineMemory.Evaluation.Protocol;
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

    public int Steps { get; init; } = 100;

    public int Feedback { get; init; } = 20;

    public bool UseInstructions { get; init; } = true;

    public bool IncludeRerank { get; init; } = true;

    public int Parallel { get; init; } = 1;

    public int BootstrapSamples { get; init; } = 2000;

    public string? SharedDirectory { get; init; }

    public string? CacheDirectory { get; init; }

    /// <summary>The instruction of generic-format queries that name none.</summary>
    public string? Instruction { get; init; }

    public EvaluationOptions ToOptions() => new()
    {
        Refinement = new RefinementOptions
        {
            LearningRate = LearningRate,
            Steps = Steps,
            FeedbackCount = Feedback,
            FeedbackFromTop = Feedback,
            Seed = Seed,
        },
        IncludeRerank = IncludeRerank,
        MaxDegreeOfParallelism = Parallel,
        BootstrapSamples = BootstrapSamples,
        BootstrapSeed = Seed,
    };
}
