namespace RefineMemory.Refine;

/// <summary>What one refinement produced.</summary>
public sealed class RefinementResult
{
    internal RefinementResult(float[] refinedQuery, double[] loss, double finalLoss, IReadOnlyList<JudgedDocument> judged, double learningRate, RefinementMode mode)
    {
        RefinedQuery = refinedQuery;
        Loss = loss;
        FinalLoss = finalLoss;
        Judged = judged;
        LearningRate = learningRate;
        Mode = mode;
    }

    /// <summary>The refined query vector (not normalised; cosine rankings do not depend on its length).</summary>
    public float[] RefinedQuery { get; }

    /// <summary>The loss before each Adam step taken: <c>Loss[0]</c> is the loss of the original query.</summary>
    public IReadOnlyList<double> Loss { get; }

    /// <summary>The loss of <see cref="RefinedQuery"/>, after the last step.</summary>
    public double FinalLoss { get; }

    /// <summary>The judged documents with their judge scores and cosines before and after refinement.</summary>
    public IReadOnlyList<JudgedDocument> Judged { get; }

    /// <summary>The learning rate that was used.</summary>
    public double LearningRate { get; }

    /// <summary>Why the optimisation stopped before <see cref="RefinementOptions.Steps"/> (angle budget, loss plateau), or <c>null</c>.</summary>
    public string? StopReason { get; init; }

    /// <summary>The loss that was minimised.</summary>
    public RefinementMode Mode { get; }
}

/// <summary>A document in the feedback set: its judge score and its cosine to the query before and after refinement.</summary>
public sealed record JudgedDocument(string Id, float Score, float CosineBefore, float CosineAfter);
