using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.Extensions.VectorData;
using Npgsql;
using RefineMemory.Embed;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Search;
using RefineMemory.Sqlite;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>The memory store searches inside PostgreSQL: one statement per search, on the collection's HNSW index or exactly.</summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class ServerSearchTests(PostgresServer server) : IAsyncLifetime
{
    private const int D = 64;
    private static readonly string[] Topics = ["refunds", "shipping", "passwords", "invoices", "weather", "recipes", "flights", "music"];
    private static readonly string[] Words = ["late", "quick", "broken", "missing", "annual", "secure", "cheap", "urgent", "daily", "remote", "shared", "local"];
    private string _folder = "";

    public Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("refine-pg-search-").FullName;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static string TopicOf(int i) => Topics[i % Topics.Length];

    /// <summary>Distinct texts (no two score alike), tagged by topic.</summary>
    private static MemoryDocument[] Documents(int count) => [.. Enumerable.Range(0, count).Select(i =>
        new MemoryDocument($"d{i}", $"note {i} about {TopicOf(i)} {Words[i % Words.Length]} {Words[(i / 7) % Words.Length]} and {Topics[(i * 3 + i / 8) % Topics.Length]} item{i}", $"file{i % 5}.txt",
            new Dictionary<string, string> { ["topic"] = TopicOf(i), ["shelf"] = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) }))];

    private PostgresMemoryStore Open(WordVectorEmbedder embedder, bool exact = false) =>
        new(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString, Schema = "srv", ExactSearch = exact }, embedder);

    /// <summary>Relevant: a chunk of the queried topic (the last word of the query).</summary>
    private static GoldJudge Judge(int count) => new((query, id) =>
        TopicOf(int.Parse(id[1..id.IndexOf('#')], System.Globalization.CultureInfo.InvariantCulture)) == query.Split(' ')[^1] ? 1f : 0f);

    [Fact]
    public async Task A_refined_search_over_postgresql_with_exact_search_returns_the_sqlite_ids_and_scores()
    {
        var embedder = new WordVectorEmbedder(D);
        var docs = Documents(400);
        string collection = PostgresServer.NewName("same");
        using var postgres = Open(embedder, exact: true);
        using var sqlite = new SqliteMemoryStore(new SqliteMemoryStoreOptions { DatabasePath = Path.Combine(_folder, "memory.db") }, embedder);
        await postgres.IngestAsync(collection, docs);
        await sqlite.IngestAsync(collection, docs);

        foreach (var (query, filter) in new[] { ("urgent notes about shipping", (Dictionary<string, string>?)null), ("cheap notes about refunds", new() { ["shelf"] = "1" }) })
        {
            var request = new RefinedVectorSearchRequest<MemoryRecord> { SearchOptions = new() { Filter = MemoryRecord.TagFilter(filter) } };
            var fromPostgres = await new RefinedSearch(postgres, embedder, Judge(docs.Length)).SearchAsync(collection, query, 15, request);
            var fromSqlite = await new RefinedSearch(sqlite, embedder, Judge(docs.Length)).SearchAsync(collection, query, 15, request);
            Assert.True(fromSqlite.Diagnostics.Refined, fromSqlite.Diagnostics.SkippedReason);
            Assert.True(fromPostgres.Diagnostics.Refined, fromPostgres.Diagnostics.SkippedReason);
            Assert.Equal(fromSqlite.Diagnostics.Judged.Select(j => j.Id), fromPostgres.Diagnostics.Judged.Select(j => j.Id));
            Assert.Equal(fromSqlite.Hits.Select(h => h.Id), fromPostgres.Hits.Select(h => h.Id));
            foreach (var (p, s) in fromPostgres.Hits.Zip(fromSqlite.Hits))
            {
                Assert.Equal(s.Score, p.Score, 1e-5);
                // The server keeps no first ranking: ranks and scores before are known within the first search's depth only.
                if (p.RankBefore is { } rankBefore)
                {
                    Assert.Equal(s.RankBefore, rankBefore);
                    Assert.Equal(s.ScoreBefore!.Value, p.ScoreBefore!.Value, 1e-5);
                }
                else
                {
                    Assert.True(s.RankBefore > fromPostgres.Diagnostics.Candidates, $"{s.Id} was ranked {s.RankBefore} before, within the first search");
                }
                Assert.Equal((s.DocumentId, s.Text, s.Source), (p.DocumentId, p.Text, p.Source));
                Assert.Equal(s.Metadata, p.Metadata);
            }

            if (filter is not null)
            {
                Assert.All(fromPostgres.Hits, h => Assert.Equal("1", h.Metadata["shelf"]));
            }
        }
    }

    [Fact]
    public async Task The_cli_search_runs_limited_vector_statements_and_never_reads_the_whole_collection()
    {
        await using var models = await LoopbackOpenAIServer.StartAsync();
        models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, D);
        models.Labels = (query, text) => text.Contains(query.Split(' ')[^1], StringComparison.Ordinal);
        string input = Path.Combine(_folder, "docs.jsonl");
        await File.WriteAllLinesAsync(input, Documents(2000).Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text, source = d.Source })));
        string collection = PostgresServer.NewName("stats");
        var ingest = await RefineProcess.RunAsync(models.BaseUri, "ingest", input, "--collection", collection, "--db", server.Uri, "--embedder", "openai");
        Assert.True(ingest.Code == 0, ingest.Err);
        Assert.Contains("2000 added", ingest.Out, StringComparison.Ordinal);

        await ExecuteAsync("SELECT pg_stat_statements_reset()");
        var search = await RefineProcess.RunAsync(models.BaseUri, "search", "notes about shipping", "--collection", collection, "--db", server.Uri, "--embedder", "openai", "--json");
        Assert.True(search.Code == 0, search.Err);
        Assert.True(JsonDocument.Parse(search.Out).RootElement.GetProperty("tool").GetProperty("refined").GetBoolean(), search.Out);

        var statements = new List<(string Query, long Calls, long Rows)>();
        using (var conn = await server.DataSource.OpenConnectionAsync())
        using (var cmd = new NpgsqlCommand("SELECT query, calls, rows FROM pg_stat_statements WHERE query LIKE '%refine_memory_%' AND query NOT LIKE '%pg_stat_statements%'", conn))
        using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                statements.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        string all = string.Join("\n", statements.Select(s => $"{s.Calls} calls, {s.Rows} rows: {s.Query}"));
        var searches = statements.Where(s => s.Query.Contains("<=>", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(searches);
        Assert.All(searches, s => Assert.Contains("LIMIT", s.Query, StringComparison.Ordinal));
        Assert.Equal(2L, searches.Sum(s => s.Calls)); // the first search and the refined one
        long rows = statements.Sum(s => s.Rows);
        Assert.True(rows is > 0 and <= 300, $"{rows} rows (a few hundred at most, of 2,000 chunks):\n{all}");
        Assert.False(statements.Any(s => s.Query.Contains("refine_memory_chunks", StringComparison.Ordinal) && !s.Query.Contains("LIMIT", StringComparison.Ordinal) && s.Rows > 0), all);
    }

    [Fact]
    public async Task Tag_filters_become_jsonb_containment_and_anything_else_is_refused()
    {
        var embedder = new WordVectorEmbedder(D);
        string collection = PostgresServer.NewName("tags");
        using var store = Open(embedder);
        await store.IngestAsync(collection, Documents(800));
        var col = await store.GetCollectionAsync(collection);
        Assert.Equal(800, col.Count);
        var query = embedder.Embed("notes about flights");

        var filtered = await SearchAsync(col, query, 25, new() { Filter = MemoryRecord.TagFilter(new Dictionary<string, string> { ["topic"] = "flights", ["shelf"] = "2" }), IncludeVectors = true });
        Assert.Equal(25, filtered.Count); // the iterative scan fills the top despite a selective filter
        Assert.All(filtered, r => Assert.Equal(("flights", "2"), (r.Record.Metadata["topic"], r.Record.Metadata["shelf"])));
        Assert.All(filtered, r => Assert.Equal(D, r.Record.Embedding.Length));
        Assert.True(filtered.Zip(filtered.Skip(1)).All(p => p.First.Score >= p.Second.Score));

        string shelf = "0";
        var captured = await SearchAsync(col, query, 5, new() { Filter = r => r.HasTag("shelf", shelf) });
        Assert.All(captured, r => Assert.Equal("0", r.Record.Metadata["shelf"]));
        Assert.All(captured, r => Assert.True(r.Record.Embedding.IsEmpty));
        Assert.Empty(await SearchAsync(col, query, 5, new() { Filter = r => r.HasTag("shelf", "0") && r.HasTag("shelf", "1") }));

        var skipped = await SearchAsync(col, query, 5, new() { Skip = 3 });
        var top8 = await SearchAsync(col, query, 8);
        Assert.Equal(top8.Skip(3).Select(r => r.Record.Id), skipped.Select(r => r.Record.Id));
        var threshold = top8[4].Score!.Value;
        Assert.Equal(top8.Take(5).Select(r => r.Record.Id), (await SearchAsync(col, query, 8, new() { ScoreThreshold = threshold })).Select(r => r.Record.Id));

        foreach (Expression<Func<MemoryRecord, bool>> unsupported in new Expression<Func<MemoryRecord, bool>>[] { r => r.Text == "x", r => r.HasTag("topic", "a") || r.HasTag("topic", "b"), r => !r.HasTag("topic", "a") })
        {
            var e = await Assert.ThrowsAsync<NotSupportedException>(() => SearchAsync(col, query, 5, new() { Filter = unsupported }));
            Assert.Contains("cannot be translated to SQL", e.Message, StringComparison.Ordinal);
            Assert.Contains(collection, e.Message, StringComparison.Ordinal);
        }

        var record = Assert.IsType<MemoryRecord>(await col.GetAsync("d9#0", includeEmbedding: true));
        Assert.Equal(("d9", 0, TopicOf(9)), (record.DocumentId, record.Ordinal, record.Metadata["topic"]));
        Assert.Equal(embedder.Embed(record.Text), record.Embedding.ToArray());
        Assert.Null(await col.GetAsync("d9#7"));
        Assert.Null(await col.GetAsync("no-ordinal"));
    }

    [Fact]
    public async Task A_wrong_length_query_and_another_embedder_are_refused()
    {
        var embedder = new WordVectorEmbedder(D, "model-a");
        string collection = PostgresServer.NewName("guard");
        using var store = Open(embedder);
        await store.IngestAsync(collection, Documents(30));
        var col = await store.GetCollectionAsync(collection);
        Assert.Equal("model-a", col.EmbeddingModel);

        var e = await Assert.ThrowsAsync<DimensionMismatchException>(() => SearchAsync(col, new float[D + 1], 5));
        Assert.Equal($"The query embedding (collection '{collection}') has dimension {D + 1}, expected {D}.", e.Message);
        Assert.Equal((D, D + 1), (e.Expected, e.Actual));

        var other = new WordVectorEmbedder(D, "model-b");
        var mismatch = await Assert.ThrowsAsync<EmbedderMismatchException>(() => new RefinedSearch(store, other, Judge(30)).SearchAsync(collection, "notes about music"));
        Assert.Equal(("model-a", "model-b"), (mismatch.Recorded, mismatch.Current));
    }

    [Fact]
    public async Task The_search_statement_uses_the_collections_hnsw_index_and_exact_search_does_not()
    {
        var embedder = new WordVectorEmbedder(D);
        string collection = PostgresServer.NewName("it's \\ plan"); // a quote and a backslash reach the index predicate safely
        using (var store = Open(embedder))
        {
            await store.IngestAsync(collection, Documents(2000));
        }

        string index = "";
        using (var store = Open(embedder))
        {
            index = PostgresMemoryChunks.IndexDefinition(store, collection, D).Name;
            Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = 'srv' AND indexname = $1", index));
            var plan = await ExplainAsync(store, collection, embedder.Embed("notes about music"), top: 20, tags: null);
            Assert.True(plan.Contains($"Index Scan using {index}", StringComparison.Ordinal), plan);
            Assert.Equal(20, (await SearchAsync(await store.GetCollectionAsync(collection), embedder.Embed("notes about music"), 20)).Count);
        }

        using (var exact = Open(embedder, exact: true))
        {
            var plan = await ExplainAsync(exact, collection, embedder.Embed("notes about music"), top: 20, tags: null);
            Assert.False(plan.Contains(index, StringComparison.Ordinal) || plan.Contains("Index Scan", StringComparison.Ordinal) || !plan.Contains("Sort", StringComparison.Ordinal), plan);

            // Exact and approximate agree on the best hits of an easy query.
            var col = await exact.GetCollectionAsync(collection);
            var exactHits = await SearchAsync(col, embedder.Embed(Documents(2000)[17].Text), 1);
            Assert.Equal("d17#0", exactHits[0].Record.Id);
        }
    }

    /// <summary>EXPLAIN of the search statement, under the settings a search sets, on a connection of its own.</summary>
    private async Task<string> ExplainAsync(PostgresMemoryStore store, string collection, float[] query, int top, string? tags)
    {
        var chunks = Assert.IsType<PostgresMemoryChunks>((await store.GetCollectionAsync(collection)).Chunks);
        using var conn = await server.DataSource.OpenConnectionAsync();
        using var tx = await conn.BeginTransactionAsync();
        var (settingsSql, settings) = chunks.SettingsSql(top, 0, tags is not null);
        using (var set = new NpgsqlCommand(settingsSql, conn, tx))
        {
            foreach (object v in settings)
            {
                set.Parameters.Add(new NpgsqlParameter { Value = v });
            }

            await set.ExecuteNonQueryAsync();
        }

        using var cmd = new NpgsqlCommand("EXPLAIN " + chunks.SearchSql(includeVectors: true, filtered: tags is not null), conn, tx);
        foreach (object v in PostgresMemoryChunks.Parameters(query, top, 0, tags))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        }

        var lines = new List<string>();
        using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        return string.Join("\n", lines);
    }

    private static async Task<List<VectorSearchResult<MemoryRecord>>> SearchAsync(IMemoryCollection col, float[] query, int top, VectorSearchOptions<MemoryRecord>? options = null)
    {
        var results = new List<VectorSearchResult<MemoryRecord>>();
        await foreach (var r in col.Chunks.SearchAsync(new ReadOnlyMemory<float>(query), top, options))
        {
            results.Add(r);
        }

        return results;
    }

    private async Task ExecuteAsync(string sql)
    {
        using var conn = await server.DataSource.OpenConnectionAsync();
        using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql, string value)
    {
        using var conn = await server.DataSource.OpenConnectionAsync();
        using var cmd = new NpgsqlCommand(sql, conn) { Parameters = { new() { Value = value } } };
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_role_that_may_only_read_searches_and_its_ingest_is_refused_with_nothing_written()
    {
        var embedder = new WordVectorEmbedder(D);
        var docs = Documents(120);
        string schema = PostgresServer.NewName("ro");
        string collection = PostgresServer.NewName("ro");
        using (var owner = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString, Schema = schema }, embedder))
        {
            await owner.IngestAsync(collection, docs);
        }

        string role = PostgresServer.NewName("reader");
        await using (var grant = server.DataSource.CreateCommand($"CREATE ROLE {role} LOGIN; GRANT USAGE ON SCHEMA {schema} TO {role}; GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role};"))
        {
            await grant.ExecuteNonQueryAsync();
        }

        string readOnly = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = role }.ConnectionString;
        using var reader = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = readOnly, Schema = schema }, embedder);
        Assert.Equal([collection], await reader.ListCollectionsAsync());
        var result = await new RefinedSearch(reader, embedder, Judge(docs.Length)).SearchAsync(collection, "urgent notes about shipping");
        Assert.True(result.Diagnostics.Refined, result.Diagnostics.SkippedReason);
        Assert.Equal(10, result.Hits.Count);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => reader.IngestAsync(collection, [new MemoryDocument("new", "a note the reader may not write")]));
        Assert.Contains("permission denied", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(120, (await reader.GetCollectionAsync(collection)).Count);
    }

    [Fact]
    public async Task An_empty_database_has_no_collections_and_reading_it_creates_nothing()
    {
        string schema = PostgresServer.NewName("empty");
        using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString, Schema = schema }, new WordVectorEmbedder(D));
        Assert.Empty(await store.ListCollectionsAsync());
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => store.GetCollectionAsync("none"));
        await using var probe = server.DataSource.CreateCommand("SELECT count(*) FROM pg_namespace WHERE nspname = $1");
        probe.Parameters.AddWithValue(schema);
        Assert.Equal(0L, await probe.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_chunk_count_is_kept_in_the_collections_row_and_a_memory_without_it_is_counted_once()
    {
        var embedder = new WordVectorEmbedder(D);
        string schema = PostgresServer.NewName("count");
        string collection = PostgresServer.NewName("count");
        using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString, Schema = schema }, embedder);
        var docs = Documents(60);
        await store.IngestAsync(collection, docs[..50]);
        Assert.Equal(50, (await store.GetCollectionAsync(collection)).Count);
        await store.IngestAsync(collection, docs); // 50 unchanged, 10 new
        Assert.Equal(60, await StoredCountAsync());

        // A memory written before the count was kept: read by summing, and kept again by the next ingest.
        await using (var forget = server.DataSource.CreateCommand($"UPDATE {schema}.refine_memory_collections SET chunk_count = NULL"))
        {
            await forget.ExecuteNonQueryAsync();
        }

        Assert.Equal(60, (await store.GetCollectionAsync(collection)).Count);
        await store.IngestAsync(collection, [new MemoryDocument("extra", "one more note about invoices")]);
        Assert.Equal(61, await StoredCountAsync());
        Assert.Equal(61, (await store.GetCollectionAsync(collection)).Count);

        // A memory from before the column existed, opened by a process that only reads: counted from its documents.
        await using (var drop = server.DataSource.CreateCommand($"ALTER TABLE {schema}.refine_memory_collections DROP COLUMN chunk_count"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        using var reader = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString, Schema = schema }, embedder);
        Assert.Equal(61, (await reader.GetCollectionAsync(collection)).Count);

        async Task<long?> StoredCountAsync()
        {
            await using var read = server.DataSource.CreateCommand($"SELECT chunk_count FROM {schema}.refine_memory_collections");
            return await read.ExecuteScalarAsync() as long?;
        }
    }
}
