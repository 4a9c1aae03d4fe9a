using RefineMemory.Memory;
using RefineMemory.OpenAI;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary><see cref="IngestOptions.MirrorSourcePrefix"/> on PostgreSQL: documents of the mirrored source that were not given are deleted with their chunks, nothing else.</summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class MirrorTests(PostgresServer server)
{
    [Fact]
    public async Task Mirroring_a_source_deletes_its_documents_that_are_gone_with_their_chunks_and_keeps_every_other_source()
    {
        await using var models = await LoopbackOpenAIServer.StartAsync();
        using var embedder = new OpenAICompatibleEmbeddingGenerator(new EmbeddingModelSettings(models.BaseUri, "loopback-embedding"));
        using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString }, embedder);
        string collection = PostgresServer.NewName("mirror");
        var chunking = new ChunkingOptions { MaxChars = 20, Overlap = 0 };
        MemoryDocument Doc(string id, string source) => new(id, $"{id} has several words to make two chunks or more", source);
        await store.IngestAsync(collection, [Doc("a", "/f/a.txt"), Doc("b", "/f/b.txt"), Doc("c", "/f/sub/c.txt"), Doc("s", "/f2/s.txt"), Doc("x", "elsewhere")], new IngestOptions { Chunking = chunking });

        var plain = await store.IngestAsync(collection, [Doc("a", "/f/a.txt")], new IngestOptions { Chunking = chunking });
        Assert.Equal((0, 5L), (plain.Deleted, await CountAsync("SELECT COUNT(*) FROM public.refine_memory_documents WHERE collection = $1", collection)));

        var mirrored = await store.IngestAsync(collection, [Doc("a", "/f/a.txt"), Doc("c", "/f/sub/c.txt")], new IngestOptions { Chunking = chunking, MirrorSourcePrefix = "/f/" });

        Assert.Equal((0, 2, 1), (mirrored.Added, mirrored.Unchanged, mirrored.Deleted));
        long chunks = await CountAsync("SELECT COUNT(*) FROM public.refine_memory_chunks WHERE collection = $1", collection);
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM public.refine_memory_chunks WHERE collection = $1 AND document_id = 'b'", collection));
        Assert.Equal((4L, chunks, chunks), (await CountAsync("SELECT COUNT(*) FROM public.refine_memory_documents WHERE collection = $1", collection),
            await CountAsync("SELECT chunk_count FROM public.refine_memory_collections WHERE name = $1", collection), (long)(await store.GetCollectionAsync(collection)).Count));
        Assert.True(chunks >= 8, $"{chunks} chunks: each document was meant to have two or more");
    }

    private Task<long> CountAsync(string sql, string collection) => server.ScalarAsync<long>(sql, collection);
}
