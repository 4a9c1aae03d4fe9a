namespace RefineMemory.Refine;

/// <summary>How judge scores and cosine similarities are turned into the two distributions the loss compares.</summary>
public enum RefinementMode
{
    /// <summary>
    /// The paper's default: p = softmax(judge scores), q = softmax(cosines), loss KL(p || q).
    /// Default learning rate 1e-4.
    /// </summary>
    KlDivergence,

    /// <summary>
    /// ReFIT (Reddy et al.): scores and cosines are min-max normalised and the scores divided by a
    /// temperature (default 2) before the softmaxes; default learning rate 5e-3.
    /// </summary>
    ReFit,
}
