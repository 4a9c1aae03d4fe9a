using RefineMemory.Judge;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>
/// The rerank-only baseline over a pool: the documents the judge scored go to the top, ordered by judge score
/// (ties by cosine); everything else, failed judgments included, keeps its cosine order below them.
/// </summary>
internal static class RerankScores
{
    public static float[] Compute(ReadOnlySpan<float> cosines, IReadOnlyList<int> judgedPositions, IReadOnlyList<RelevanceJudgment> judgments)
    {
        var scores = cosines.ToArray();
        var scored = new List<(int Position, float Judge, float Cosine)>();
        for (int i = 0; i < judgedPositions.Count; i++)
        {
            if (judgments[i].Score is float s)
            {
                scored.Add((judgedPositions[i], s, cosines[judgedPositions[i]]));
            }
        }

        scored.Sort((a, b) => b.Judge != a.Judge ? b.Judge.CompareTo(a.Judge) : b.Cosine.CompareTo(a.Cosine));
        for (int r = 0; r < scored.Count; r++)
        {
            // Cosines lie in [-1, 1]; these scores lie above 2 and fall with the rank.
            scores[scored[r].Position] = 2 + scored.Count - r;
        }

        return scores;
    }
}
