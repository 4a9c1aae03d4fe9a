namespace RefineMemory.Evaluation.Protocol;

/// <summary>The names of the compared methods, as they appear in reports.</summary>
public static class EvalMethods
{
    /// <summary>Cosine ranking with the original query vector.</summary>
    public const string Baseline = "baseline";

    /// <summary>Cosine ranking with the refined query vector (the paper's method).</summary>
    public const string Refined = "refined";

    /// <summary>The method name of an alternative refinement setting (see <see cref="EvaluationOptions.AlternativeRefinements"/>).</summary>
    public static string RefinedWith(string setting) => Refined + ":" + setting;

    /// <summary>The judged documents moved to the top in judge-score order, the rest by cosine.</summary>
    public const string Rerank = "rerank";

    /// <summary>Cosine ranking with a HyDE query vector (a hypothetical answer written by the chat model).</summary>
    public const string Hyde = "hyde";
}
