namespace RefineMemory.Judge;

/// <summary>A persistent store of judge scores. Only successful scores are stored; failures never are.</summary>
public interface IJudgeCache
{
    /// <summary>The cached score of each key, or <c>null</c> where there is none; same order as <paramref name="keys"/>.</summary>
    Task<IReadOnlyList<float?>> GetManyAsync(IReadOnlyList<JudgeCacheKey> keys, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces) scores.</summary>
    Task SetManyAsync(IReadOnlyList<KeyValuePair<JudgeCacheKey, float>> entries, CancellationToken cancellationToken = default);
}
