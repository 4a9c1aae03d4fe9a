using System.Numerics.Tensors;
using RefineMemory.Refine;

namespace RefineMemory.Search;

/// <summary>
/// The step in effect for one refined search: the learning rate used, the Adam steps taken, the angle the query
/// turned from where it started (radians), why the optimisation stopped early, and the loss before and after.
/// </summary>
public sealed record RefinementStep(double LearningRate, int StepsTaken, double AngleTurned, string? StopReason, double InitialLoss, double FinalLoss)
{
    internal static RefinementStep? Of(FeedbackOutcome? outcome, ReadOnlySpan<float> original)
    {
        if (outcome?.Refinement is not { } r)
        {
            return null;
        }

        double cosine = Math.Clamp(TensorPrimitives.CosineSimilarity(original, r.RefinedQuery), -1f, 1f);
        return new RefinementStep(r.LearningRate, r.Loss.Count, Math.Acos(cosine), r.StopReason, r.Loss.Count > 0 ? r.Loss[0] : r.FinalLoss, r.FinalLoss);
    }
}
