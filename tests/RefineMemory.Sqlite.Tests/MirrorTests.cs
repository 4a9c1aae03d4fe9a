using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// A file deleted from an ingested folder: kept by default (an ingest never deletes), deleted with <c>--mirror</c>,
/// which touches no other source (a sibling folder whose name begins the same, a file ingested on its own).
/// </summary>
public sealed class MirrorTests
{
    [Fact]
    public async Task A_deleted_file_stays_by_default_and_mirror_deletes_it_and_nothing_of_other_sources()
    {
        using var db = new TempDatabase();
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 32);
        var env = RefineCli.LoopbackEnvironment(server.BaseUri);
        string docs = Path.Combine(db.Folder, "docs"), sibling = Path.Combine(db.Folder, "docs2"), single = Path.Combine(db.Folder, "alone.txt");
        Directory.CreateDirectory(Path.Combine(docs, "sub"));
        Directory.CreateDirectory(sibling);
        await File.WriteAllTextAsync(Path.Combine(docs, "a.txt"), "alpha");
        await File.WriteAllTextAsync(Path.Combine(docs, "b.txt"), "beta");
        await File.WriteAllTextAsync(Path.Combine(docs, "sub", "c.md"), "gamma");
        await File.WriteAllTextAsync(Path.Combine(sibling, "s.txt"), "sibling");
        await File.WriteAllTextAsync(single, "alone");
        foreach (string path in new[] { docs, sibling, single })
        {
            Assert.Equal(0, (await RefineCli.RunAsync(env, "ingest", path, "-c", "c", "--db", db.Path, "--embedder", "openai")).Code);
        }

        File.Delete(Path.Combine(docs, "b.txt"));
        var plain = await RefineCli.RunAsync(env, "ingest", docs, "-c", "c", "--db", db.Path, "--embedder", "openai");
        Assert.StartsWith("c: 0 added, 0 updated, 2 unchanged; ", plain.Stdout, StringComparison.Ordinal);
        Assert.Equal(["a.txt", "alone.txt", "b.txt", "s.txt", "sub/c.md"], await IdsAsync(db));

        var mirrored = await RefineCli.RunAsync(env, "ingest", docs, "-c", "c", "--db", db.Path, "--embedder", "openai", "--mirror");
        Assert.True(mirrored.Code == 0, mirrored.Stderr);
        Assert.StartsWith("c: 0 added, 0 updated, 2 unchanged, 1 deleted (gone from the folder); ", mirrored.Stdout, StringComparison.Ordinal);
        Assert.Equal(["a.txt", "alone.txt", "s.txt", "sub/c.md"], await IdsAsync(db));

        var file = await RefineCli.RunAsync(env, "ingest", single, "-c", "c", "--db", db.Path, "--embedder", "openai", "--mirror");
        Assert.Equal((2, "refine: error: --mirror takes a folder: it deletes the documents of files that are gone from it."), (file.Code, file.Stderr.Trim()));
    }

    private static async Task<string[]> IdsAsync(TempDatabase db)
    {
        using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db.Path};Mode=ReadOnly;Pooling=False");
        await conn.OpenAsync();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT d.id FROM documents d WHERE d.collection = 'c' AND (SELECT COUNT(*) FROM chunks c WHERE c.collection = d.collection AND c.document_id = d.id) = d.chunk_count ORDER BY d.id";
        var ids = new List<string>();
        using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return [.. ids];
    }
}
