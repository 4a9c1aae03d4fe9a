using RefineMemory.Refine;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>Settings of an evaluation run; the defaults follow the paper.</summary>
public sealed class EvaluationOptions
{
    /// <summary>Refinement settings (learning rate, steps, feedback size). Default: the paper's.</summary>
    public RefinementOptions Refinement { get; set; } = new();

    /// <summary>
    /// Other refinement settings scored on the same judgments, each as the method <c>refined:NAME</c> (e.g. the
    /// paper's fixed step beside the default, or a grid of step rules). Default none.
    /// </summary>
    public IReadOnlyList<(string Name, RefinementOptions Options)> AlternativeRefinements { get; set; } = [];

    /// <summary>Whether to score the rerank-only baseline. Default true.</summary>
    public bool IncludeRerank { get; set; } = true;

    /// <summary>Queries evaluated at once (useful with a remote judge). Default 1.</summary>
    public int MaxDegreeOfParallelism { get; set; } = 1;

    /// <summary>Resamples of the paired bootstrap. Default 2,000.</summary>
    public int BootstrapSamples { get; set; } = 2000;

    /// <summary>Seed of the bootstrap. Default 12345.</summary>
    public int BootstrapSeed { get; set; } = 12345;

    /// <summary>Coverage of the confidence intervals. Default 0.95.</summary>
    public double Confidence { get; set; } = 0.95;
}
