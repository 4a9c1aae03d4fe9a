namespace RefineMemory.Sqlite.Tests;

/// <summary>A fresh folder for one test's database, deleted afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "refine-sqlite-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string Path => System.IO.Path.Combine(Folder, "memory.db");

    public SqliteMemoryStore Open(Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> embedder) =>
        new(new SqliteMemoryStoreOptions { DatabasePath = Path }, embedder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle may linger on some platforms; the temp folder is cleaned by the OS.
        }
    }
}
