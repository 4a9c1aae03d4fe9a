using RefineMemory.Evaluation.Datasets;
using RefineMemory.Judge;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>Judges built from a set's labels: the gold oracle and its noisy simulation.</summary>
public static class EvalJudges
{
    /// <summary>
    /// The gold judge of each query: the query's labels divided by the set's largest label (so graded sets give
    /// scores in [0, 1]); documents outside the pool have no label and fail as <see cref="JudgeFailureKind.MissingLabel"/>.
    /// </summary>
    public static Func<EvalQuery, IRelevanceJudge> Gold(EvalDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        float max = Math.Max(1f, dataset.Queries.SelectMany(q => q.Labels).DefaultIfEmpty(1f).Max());
        return query =>
        {
            var labels = new Dictionary<string, float>(query.Pool.Count, StringComparer.Ordinal);
            for (int i = 0; i < query.Pool.Count; i++)
            {
                labels.TryAdd(dataset.Documents[query.Pool[i]].Id, query.Labels[i] / max);
            }

            return new GoldJudge((_, id) => labels.TryGetValue(id, out float l) ? l : null);
        };
    }

    /// <summary>The gold judge with each label flipped with probability <paramref name="flipProbability"/>.</summary>
    public static Func<EvalQuery, IRelevanceJudge> Simulated(EvalDataset dataset, double flipProbability, int seed = 42)
    {
        var gold = Gold(dataset);
        return query => new SimulatedJudge(gold(query), flipProbability, 0, seed);
    }
}
