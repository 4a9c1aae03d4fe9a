using System.Collections.Concurrent;

namespace RefineMemory.Judge;

/// <summary>An <see cref="IJudgeCache"/> in process memory (for tests and short-lived hosts).</summary>
public sealed class InMemoryJudgeCache : IJudgeCache
{
    private readonly ConcurrentDictionary<JudgeCacheKey, float> _scores = new();

    /// <summary>Entries stored.</summary>
    public int Count => _scores.Count;

    /// <inheritdoc />
    public Task<IReadOnlyList<float?>> GetManyAsync(IReadOnlyList<JudgeCacheKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var result = new float?[keys.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = _scores.TryGetValue(keys[i], out float s) ? s : null;
        }

        return Task.FromResult<IReadOnlyList<float?>>(result);
    }

    /// <inheritdoc />
    public Task SetManyAsync(IReadOnlyList<KeyValuePair<JudgeCacheKey, float>> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (key, score) in entries)
        {
            _scores[key] = score;
        }

        return Task.CompletedTask;
    }
}
