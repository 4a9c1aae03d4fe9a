using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;
using RefineMemory.Retrieve;

namespace RefineMemory.Connectors.InMemory;

/// <summary>
/// A VectorData store held in memory whose collections are searched exactly (<see cref="ExactInMemoryCollection{TKey, TRecord}"/>).
/// Collection objects of the same name share their records.
/// </summary>
public sealed class ExactInMemoryVectorStore : VectorStore
{
    private readonly ConcurrentDictionary<string, ExactInMemoryCollectionData> _collections = new(StringComparer.Ordinal);

    /// <param name="indexOptions">Tuning of the SIMD cosine indexes; <c>null</c> for their defaults.</param>
    public ExactInMemoryVectorStore(ExactVectorIndexOptions? indexOptions = null)
    {
        IndexOptions = indexOptions;
    }

    /// <summary>Tuning of the SIMD cosine indexes of every collection.</summary>
    public ExactVectorIndexOptions? IndexOptions { get; }

    /// <inheritdoc />
    public override ExactInMemoryCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        new(_collections, name, new ExactInMemoryCollectionOptions { Definition = definition, IndexOptions = IndexOptions }, dynamic: false);

    /// <inheritdoc />
    public override ExactInMemoryDynamicCollection GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new(_collections, name, new ExactInMemoryCollectionOptions { Definition = definition, IndexOptions = IndexOptions });
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (string name in _collections.Keys.Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Task.FromResult(_collections.ContainsKey(name));
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _collections.TryRemove(name, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? new VectorStoreMetadata { VectorStoreSystemName = ExactInMemoryCollection<string, object>.SystemName }
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }
}
