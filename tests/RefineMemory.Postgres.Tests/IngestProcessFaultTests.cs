using System.Text.Json;
using System.Text.RegularExpressions;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>
/// <c>refine ingest --db postgresql://...</c> as a process: killed (SIGKILL) at random points three times, and run
/// twice at once into a collection that does not exist yet. Documents have several chunks each, so "whole or
/// absent" is checked per document, not only per row.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed partial class IngestProcessFaultTests(PostgresServer server, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int DocumentCount = 1200;
    private LoopbackOpenAIServer _models = null!;
    private string _folder = "";
    private string _input = "";

    public async Task InitializeAsync()
    {
        _models = await LoopbackOpenAIServer.StartAsync();
        _models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 16);
        _folder = Directory.CreateTempSubdirectory("refine-pg-procs-").FullName;
        _input = Path.Combine(_folder, "docs.jsonl");
        // About 170 characters, so three or four chunks of at most 60 each.
        await File.WriteAllLinesAsync(_input, Enumerable.Range(0, DocumentCount).Select(i => JsonSerializer.Serialize(new
        {
            id = $"d{i}",
            text = $"document {i} opens with topic {i % 17} and then says more about refunds, shipping, invoices and passwords in words {i * 7} and {i * 13} to the end",
        })));
    }

    public async Task DisposeAsync()
    {
        await _models.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Killed_three_times_at_random_points_every_document_is_whole_or_absent_and_the_resumed_ingest_adds_exactly_the_missing_ones()
    {
        string collection = PostgresServer.NewName("kill3");
        _models.Latency = TimeSpan.FromMilliseconds(150); // about 70 embedding calls: 10 s, far longer than the three cuts
        long committed = 0;
        for (int kill = 0; kill < 3; kill++)
        {
            int delay = Random.Shared.Next(0, 1500);
            using (var child = RefineProcess.Start(_models.BaseUri, Ingest(collection)))
            {
                var started = Task.Run(async () => await child.StandardError.ReadLineAsync() is not null);
                Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(90)), "the ingest ended before reporting progress");
                await Task.Delay(delay); // somewhere in embedding, committing or between batches
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }

            long now = await CountAsync("SELECT COUNT(*) FROM public.refine_memory_documents WHERE collection = $1", collection);
            Assert.True(now >= committed, $"kill {kill}: {now} documents after {committed}: a kill lost committed documents");
            committed = now;
            output.WriteLine($"kill {kill}: {delay} ms after the first progress line, {committed} of {DocumentCount} documents committed");
            Assert.Equal(0L, await CountAsync(PartialDocuments, collection));
        }

        Assert.InRange(committed, 0, DocumentCount - 1); // at least the last kill cut something off
        _models.Latency = TimeSpan.Zero;
        var resumed = await RefineProcess.RunAsync(_models.BaseUri, Ingest(collection));
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Equal((DocumentCount - committed, 0L, committed), Summary(resumed.Out));
        await AssertSameAsOneIngestAsync(collection);
    }

    [Fact]
    public async Task Two_ingests_at_once_into_a_new_collection_both_succeed_with_no_duplicate_and_the_rows_of_one_ingest()
    {
        string collection = PostgresServer.NewName("twice");
        _models.Latency = TimeSpan.FromMilliseconds(10);
        var runs = await Task.WhenAll(RefineProcess.RunAsync(_models.BaseUri, Ingest(collection)), RefineProcess.RunAsync(_models.BaseUri, Ingest(collection)));
        foreach (var run in runs)
        {
            Assert.True(run.Code == 0, run.Err);
        }

        // Each decided what to add before the other committed, so each may report every document as added; the rows say what is stored.
        Assert.All(runs, r => Assert.Equal(DocumentCount, Summary(r.Out).Added + Summary(r.Out).Unchanged + Summary(r.Out).Updated));
        await AssertSameAsOneIngestAsync(collection);
    }

    private const string PartialDocuments = """
        SELECT COUNT(*) FROM public.refine_memory_documents d WHERE d.collection = $1
            AND d.chunk_count <> (SELECT COUNT(*) FROM public.refine_memory_chunks c WHERE c.collection = d.collection AND c.document_id = d.id)
        """;

    private string[] Ingest(string collection) => ["ingest", _input, "--collection", collection, "--db", server.Uri, "--embedder", "openai", "--chunk-size", "60", "--overlap", "0"];

    /// <summary>The collection holds exactly what one clean ingest of the same file into a fresh collection holds.</summary>
    private async Task AssertSameAsOneIngestAsync(string collection)
    {
        string reference = PostgresServer.NewName("once");
        Assert.Equal(0, (await RefineProcess.RunAsync(_models.BaseUri, Ingest(reference))).Code);
        const string Rows = "SELECT COUNT(*) FROM public.refine_memory_chunks WHERE collection = $1";
        const string Distinct = "SELECT COUNT(DISTINCT (document_id, ordinal, text_hash)) FROM public.refine_memory_chunks WHERE collection = $1";
        const string Kept = "SELECT chunk_count FROM public.refine_memory_collections WHERE name = $1";
        long expected = await CountAsync(Rows, reference);
        Assert.True(expected > 2 * DocumentCount, $"{expected} chunks: the documents were meant to have several each");
        Assert.Equal((DocumentCount, expected, expected, expected, 0L),
            (await CountAsync("SELECT COUNT(*) FROM public.refine_memory_documents WHERE collection = $1", collection), await CountAsync(Rows, collection),
             await CountAsync(Distinct, collection), await CountAsync(Kept, collection), await CountAsync(PartialDocuments, collection)));
    }

    private Task<long> CountAsync(string sql, string collection) => server.ScalarAsync<long>(sql, collection);

    private static (long Added, long Updated, long Unchanged) Summary(string stdout)
    {
        var m = SummaryLine().Match(stdout);
        Assert.True(m.Success, stdout);
        return (long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@": (\d+) added, (\d+) updated, (\d+) unchanged;")]
    private static partial Regex SummaryLine();
}
