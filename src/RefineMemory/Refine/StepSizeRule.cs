namespace RefineMemory.Refine;

/// <summary>How the default learning rate follows from the embedding's dimension.</summary>
public enum StepSizeRule
{
    /// <summary>The mode's default rate whatever the dimension (the paper: 1e-4 in KL mode).</summary>
    Fixed,

    /// <summary>
    /// The mode's default rate times sqrt(<see cref="RefinementOptions.ReferenceDimension"/> / d). Adam moves every
    /// coordinate by about the learning rate per step, so a step turns a unit query by about lr·sqrt(d): scaling by
    /// 1/sqrt(d) makes the angle a step turns the same for every model, the one the paper's rate turns at d = 1024.
    /// </summary>
    DimensionScaled,
}
