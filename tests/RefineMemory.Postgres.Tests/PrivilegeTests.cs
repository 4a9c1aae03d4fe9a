using System.Text.Json;
using Npgsql;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>
/// What each role needs: a search only SELECT (it creates nothing, not even on an empty database), an ingest also
/// INSERT/UPDATE/DELETE, creating the memory (<c>refine init</c> or the first ingest) the right to create it.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class PrivilegeTests(PostgresServer server) : IAsyncLifetime
{
    private LoopbackOpenAIServer _models = null!;
    private string _folder = "";

    public async Task InitializeAsync()
    {
        _models = await LoopbackOpenAIServer.StartAsync();
        _models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 16);
        _folder = Directory.CreateTempSubdirectory("refine-pg-roles-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _models.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_role_with_select_only_searches_and_its_ingest_is_refused_and_a_writer_that_owns_no_table_ingests()
    {
        string database = PostgresServer.NewName("roles");
        string reader = PostgresServer.NewName("reader"), writer = PostgresServer.NewName("writer");
        await server.ExecuteAsync($"CREATE DATABASE {database}");
        await server.ExecuteAsync($"CREATE ROLE {reader} LOGIN; CREATE ROLE {writer} LOGIN");
        string first = await WriteAsync("first.jsonl", 0, 12), second = await WriteAsync("second.jsonl", 12, 4);

        // An empty database: the reader's search finds no memory and creates nothing (no extension, no table).
        var empty = await RunAsync("search", "refunds", "--collection", "docs", "--db", server.UriFor(reader, database), "--no-refine", "--embedder", "openai");
        Assert.True(empty.Code == 2 && empty.Err.Contains("holds no collections", StringComparison.Ordinal), empty.Err);
        Assert.Equal((0L, false), (await ScalarAsync<long>(database, "SELECT COUNT(*) FROM pg_extension WHERE extname = 'vector'"), await ScalarAsync<bool>(database, "SELECT to_regclass('public.refine_memory_schema') IS NOT NULL")));

        var init = await RunAsync("init", "--db", server.UriFor("postgres", database));
        Assert.True(init.Code == 0, init.Err);
        Assert.Equal((1L, true), (await ScalarAsync<long>(database, "SELECT COUNT(*) FROM pg_extension WHERE extname = 'vector'"), await ScalarAsync<bool>(database, "SELECT to_regclass('public.refine_memory_chunks') IS NOT NULL")));
        Assert.Equal(0, (await RunAsync("ingest", first, "--collection", "docs", "--db", server.UriFor("postgres", database), "--embedder", "openai")).Code);
        await ExecuteAsync(database, $"GRANT USAGE ON SCHEMA public TO {reader}, {writer}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {writer}");

        var search = await RunAsync("search", "refunds", "--collection", "docs", "--db", server.UriFor(reader, database), "--no-refine", "--embedder", "openai", "--top", "3");
        Assert.True(search.Code == 0, search.Err);
        Assert.Contains("refunds", search.Out, StringComparison.Ordinal);

        var refused = await RunAsync("ingest", second, "--collection", "docs", "--db", server.UriFor(reader, database), "--embedder", "openai");
        Assert.True(refused.Code == 4, refused.Err);
        Assert.Single(refused.Err.Split('\n'), l => l.StartsWith("refine:", StringComparison.Ordinal));
        Assert.Contains("permission denied for table", refused.Err, StringComparison.Ordinal);
        Assert.Equal(12L, await ScalarAsync<long>(database, "SELECT COUNT(*) FROM public.refine_memory_documents"));

        // A writer that owns no table adds rows to an existing collection: nothing needs creating, so nothing is created.
        var written = await RunAsync("ingest", second, "--collection", "docs", "--db", server.UriFor(writer, database), "--embedder", "openai");
        Assert.True(written.Code == 0, written.Err);
        Assert.Equal(16L, await ScalarAsync<long>(database, "SELECT COUNT(*) FROM public.refine_memory_documents"));

        // A new collection needs its search index, which only the owner may create: the message says the rows are in.
        var newCollection = await RunAsync("ingest", second, "--collection", "other", "--db", server.UriFor(writer, database), "--embedder", "openai");
        Assert.True(newCollection.Code == 4, newCollection.Err);
        Assert.Contains("were stored (4 added, 0 updated), but this role may not create its search index", newCollection.Err, StringComparison.Ordinal);

        var sqlite = await RunAsync("init", "--db", Path.Combine(_folder, "memory.db"));
        Assert.True(sqlite.Code == 2 && sqlite.Err.Contains("is a SQLite file", StringComparison.Ordinal), sqlite.Err);
        Assert.False(File.Exists(Path.Combine(_folder, "memory.db")));
    }

    private Task<(int Code, string Out, string Err)> RunAsync(params string[] arguments) => RefineProcess.RunAsync(_models.BaseUri, arguments);

    private async Task<string> WriteAsync(string name, int from, int count)
    {
        string path = Path.Combine(_folder, name);
        await File.WriteAllLinesAsync(path, Enumerable.Range(from, count).Select(i => JsonSerializer.Serialize(new { id = $"d{i}", text = $"note {i} about refunds and topic {i % 3}" })));
        return path;
    }

    private NpgsqlDataSource Source(string database) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database, Pooling = false }.ConnectionString);

    private async Task ExecuteAsync(string database, string sql)
    {
        await using var source = Source(database);
        await using var cmd = source.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var source = Source(database);
        await using var cmd = source.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
