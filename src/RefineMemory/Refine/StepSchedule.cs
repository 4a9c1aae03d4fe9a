using System.Numerics.Tensors;

namespace RefineMemory.Refine;

/// <summary>
/// The learning rate and the stopping rules of one refinement (see <see cref="RefinementOptions.StepRule"/>,
/// <see cref="RefinementOptions.MaxAngle"/> and <see cref="RefinementOptions.LossPlateauTolerance"/>).
/// Allocation-free per step.
/// </summary>
internal readonly struct StepSchedule
{
    private readonly double _minCosine;
    private readonly double _plateauTolerance;
    private readonly int _plateauWindow;

    public StepSchedule(RefinementOptions options, int dimension)
    {
        LearningRate = options.LearningRateFor(dimension);
        _minCosine = options.MaxAngle is double angle ? Math.Cos(angle) : double.NegativeInfinity;
        _plateauTolerance = options.LossPlateauTolerance ?? double.NaN;
        _plateauWindow = options.LossPlateauWindow;
    }

    public double LearningRate { get; }

    /// <summary>
    /// Why to stop before the next step, or <c>null</c> to go on: the query has turned <see cref="RefinementOptions.MaxAngle"/>
    /// away from <paramref name="start"/>, or the loss fell by less than the tolerance (relative) over the last window.
    /// </summary>
    public string? StopReason(ReadOnlySpan<float> start, ReadOnlySpan<float> current, ReadOnlySpan<double> losses)
    {
        if (_minCosine > -1 && TensorPrimitives.CosineSimilarity(start, current) <= _minCosine)
        {
            return "angle budget reached";
        }

        int last = losses.Length - 1;
        if (!double.IsNaN(_plateauTolerance) && last >= _plateauWindow)
        {
            double earlier = losses[last - _plateauWindow];
            if (earlier - losses[last] <= _plateauTolerance * Math.Abs(earlier))
            {
                return "loss plateau";
            }
        }

        return null;
    }
}
