namespace RefineMemory.Judge;

/// <summary>Settings of <see cref="EmbeddingRelevanceJudge"/>.</summary>
public sealed class EmbeddingRelevanceJudgeOptions
{
    /// <summary>Default <see cref="Temperature"/> (0.05), chosen on validation splits (docs/evaluation.md).</summary>
    public const double DefaultTemperature = 0.05;

    /// <summary>
    /// Divides the cosines: the teacher is softmax(cosine / T). Cosines of sentence embedders spread over a few
    /// tenths, so T = 1 gives an almost uniform teacher and a small T a sharp one. Default <see cref="DefaultTemperature"/>.
    /// </summary>
    public double Temperature { get; set; } = DefaultTemperature;

    /// <summary>
    /// Turns (query, instruction) into the text the judge's model embeds (e.g. a model's retrieval prefix).
    /// Default <c>null</c>: the query as written.
    /// </summary>
    public Func<string, string?, string>? FormatQuery { get; set; }
}
