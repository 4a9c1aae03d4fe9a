using System.Collections.Concurrent;

namespace RefineMemory.Connectors.InMemory;

/// <summary>An exact in-memory collection of dynamic <c>Dictionary&lt;string, object?&gt;</c> records described by a definition.</summary>
public sealed class ExactInMemoryDynamicCollection : ExactInMemoryCollection<object, Dictionary<string, object?>>
{
    /// <param name="name">The collection's name.</param>
    /// <param name="options">Its options; <see cref="Microsoft.Extensions.VectorData.VectorStoreCollectionOptions.Definition"/> is required.</param>
    public ExactInMemoryDynamicCollection(string name, ExactInMemoryCollectionOptions options)
        : this(new ConcurrentDictionary<string, ExactInMemoryCollectionData>(StringComparer.Ordinal), name, options)
    {
    }

    internal ExactInMemoryDynamicCollection(ConcurrentDictionary<string, ExactInMemoryCollectionData> store, string name, ExactInMemoryCollectionOptions options)
        : base(store, name, options, dynamic: true)
    {
    }
}
