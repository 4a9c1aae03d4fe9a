using RefineMemory.Memory;
using RefineMemory.Samples;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// A real dataset slice: the train utterances of the first 10 CLINC150 intents (1,000 documents), ingested
/// into SQLite once with the hashing test embedder, then reopened by each test.
/// </summary>
public sealed class ClincFixture : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Clinc150 Data { get; private set; } = null!;

    internal HashingEmbedder Embedder { get; } = new();

    public string DatabasePath => _db.Path;

    internal SqliteMemoryStore Reopen() => _db.Open(Embedder);

    public async Task InitializeAsync()
    {
        Data = await Clinc150.LoadAsync(RepoPaths.RequireShared("datasets/clinc150"), intents: 10);
        using var store = _db.Open(Embedder);
        await store.IngestAsync("clinc", Data.Documents(), new IngestOptions { Instruction = Clinc150.Instruction });
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }
}
