using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RefineMemory.Agents;
using RefineMemory.Memory;
using RefineMemory.Search;

namespace RefineMemory.Sqlite.Tests;

public sealed class ToolTests : IClassFixture<ClincFixture>
{
    private readonly ClincFixture _clinc;

    public ToolTests(ClincFixture clinc) => _clinc = clinc;

    private static AIFunctionArguments Args(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!.ToDictionary(p => p.Key, p => (object?)p.Value));

    [Fact]
    public async Task The_search_function_has_a_schema_and_returns_compact_json_with_citations()
    {
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, _clinc.Embedder, _clinc.Data.GoldJudge());
        AIFunction function = new RefinedSearchFunction(search, new RefineMemoryToolOptions { DefaultCollection = "clinc" });

        Assert.Equal("search", function.Name);
        var schema = function.JsonSchema;
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal(["query"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("integer", schema.GetProperty("properties").GetProperty("top").GetProperty("type").GetString());

        string query = _clinc.Data.Descriptions.First().Value;
        var output = (JsonElement)(await function.InvokeAsync(Args($$"""{"query": {{JsonSerializer.Serialize(query)}}, "top": 3}""")))!;
        Assert.True(output.GetProperty("refined").GetBoolean());
        Assert.Equal(20, output.GetProperty("judged").GetInt32());
        var results = output.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(3, results.Length);
        foreach (var r in results)
        {
            Assert.EndsWith("#0", r.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("train_", r.GetProperty("document").GetString(), StringComparison.Ordinal);
            Assert.Equal("clinc150/train", r.GetProperty("source").GetString());
            Assert.False(string.IsNullOrEmpty(r.GetProperty("text").GetString()));
            Assert.True(r.GetProperty("rank_before").GetInt32() >= 1);
        }
    }

    [Theory]
    [InlineData("""{"top": 3}""", "'query' is missing")]
    [InlineData("""{"query": "x", "top": 0}""", "'top' must be an integer from 1 to 50")]
    [InlineData("""{"query": "x", "top": "many"}""", "'top' must be an integer")]
    [InlineData("""{"query": "x", "filter": ["a"]}""", "'filter' must be an object")]
    [InlineData("""{"query": 5}""", "'query' must be a string")]
    [InlineData("""{"query": "x", "filters": {"a": "b"}}""", "'filters' is not a parameter of the search tool")]
    public async Task Bad_search_arguments_get_an_error_naming_the_argument(string json, string expected)
    {
        using var store = _clinc.Reopen();
        var function = new RefinedSearchFunction(new RefinedSearch(store, _clinc.Embedder, _clinc.Data.GoldJudge()), new RefineMemoryToolOptions { DefaultCollection = "clinc" });
        var ex = await Assert.ThrowsAsync<ToolArgumentException>(async () => await function.InvokeAsync(Args(json)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_default_collection_the_collection_is_required_and_a_missing_one_is_named()
    {
        using var store = _clinc.Reopen();
        var function = new RefinedSearchFunction(new RefinedSearch(store, _clinc.Embedder, _clinc.Data.GoldJudge()));
        Assert.Contains("collection", function.JsonSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        await Assert.ThrowsAsync<ToolArgumentException>(async () => await function.InvokeAsync(Args("""{"query": "x"}""")));
        var ex = await Assert.ThrowsAsync<CollectionNotFoundException>(async () => await function.InvokeAsync(Args("""{"query": "x", "collection": "nope"}""")));
        Assert.Contains("clinc", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ingest_function_stores_inline_documents_and_refuses_paths_unless_allowed()
    {
        using var db = new TempDatabase();
        var embedder = new HashingEmbedder();
        using var store = db.Open(embedder);
        var ingest = new IngestFunction(store);
        var output = (JsonElement)(await ingest.InvokeAsync(Args("""
            {"collection": "notes", "documents": [
              {"id": "n1", "text": "Paris is the capital of France.", "source": "atlas.md", "metadata": {"lang": "en"}},
              {"id": "n2", "text": "Berlin is the capital of Germany."}]}
            """)))!;
        Assert.Equal(2, output.GetProperty("added").GetInt32());
        var again = (JsonElement)(await ingest.InvokeAsync(Args("""{"collection": "notes", "documents": [{"id": "n2", "text": "Berlin is the capital of Germany."}]}""")))!;
        Assert.Equal(1, again.GetProperty("unchanged").GetInt32());
        Assert.False(ingest.JsonSchema.GetProperty("properties").TryGetProperty("path", out _));

        var pathEx = await Assert.ThrowsAsync<ToolArgumentException>(async () => await ingest.InvokeAsync(Args("""{"collection": "notes", "path": "/etc"}""")));
        Assert.Contains("does not allow", pathEx.Message, StringComparison.Ordinal);
        var badDoc = await Assert.ThrowsAsync<ToolArgumentException>(async () => await ingest.InvokeAsync(Args("""{"collection": "notes", "documents": [{"id": "x"}]}""")));
        Assert.Contains("documents[0]", badDoc.Message, StringComparison.Ordinal);

        var collection = await store.GetCollectionAsync("notes");
        var r = Assert.IsType<MemoryRecord>(await collection.GetAsync("n1#0"));
        Assert.Equal(("atlas.md", "en"), (r.Source, r.Metadata["lang"]));
    }

    [Fact]
    public async Task Inline_documents_past_the_size_limits_are_refused_before_anything_is_embedded_and_progress_goes_to_the_hosts_reporter()
    {
        using var db = new TempDatabase();
        var embedder = new HashingEmbedder();
        using var store = db.Open(embedder);
        var ingest = new IngestFunction(store, new RefineMemoryToolOptions { MaxInlineDocumentChars = 100, MaxInlineTotalChars = 150 }, new IngestOptions { EmbeddingBatchSize = 1, Chunking = new() { MaxChars = 40, Overlap = 0 } });
        string Doc(string id, int chars) => $$"""{"id": "{{id}}", "text": "{{new string('x', chars)}}"}""";

        var one = await Assert.ThrowsAsync<ToolArgumentException>(async () => await ingest.InvokeAsync(Args($$"""{"collection": "c", "documents": [{{Doc("a", 101)}}]}""")));
        Assert.Equal("documents[0].text has 101 characters; this host takes at most 100 per inline document (ingest larger documents from a file (a 'path' the host allows) or with `refine ingest`).", one.Message);
        var all = await Assert.ThrowsAsync<ToolArgumentException>(async () => await ingest.InvokeAsync(Args($$"""{"collection": "c", "documents": [{{Doc("a", 100)}}, {{Doc("b", 51)}}]}""")));
        Assert.StartsWith("The documents up to documents[1] have 151 characters of text; this host takes at most 150 per call", all.Message, StringComparison.Ordinal);
        Assert.Equal(0, embedder.Embedded);
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => store.GetCollectionAsync("c"));

        var reports = new List<IngestProgress>();
        var services = new ServiceCollection().AddSingleton<IProgress<IngestProgress>>(new Reports(reports)).BuildServiceProvider();
        var args = Args($$"""{"collection": "c", "documents": [{{Doc("a", 100)}}]}""");
        args.Services = services;
        await ingest.InvokeAsync(args);
        Assert.Contains(reports, r => r.ChunksToEmbed > 1 && r.ChunksEmbedded == 1); // one report per embedding call
        Assert.Equal(1, reports[^1].Done);
    }

    private sealed class Reports(List<IngestProgress> reports) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => reports.Add(value);
    }

    [Fact]
    public async Task Files_are_read_as_text_markdown_and_jsonl_with_errors_naming_file_and_line()
    {
        using var db = new TempDatabase();
        string folder = Path.Combine(db.Folder, "docs");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "a.txt"), "plain text file");
        await File.WriteAllTextAsync(Path.Combine(folder, "b.md"), "# Title\nintro\n## Part\nbody text");
        await File.WriteAllTextAsync(Path.Combine(folder, "c.jsonl"), "{\"id\": \"j1\", \"text\": \"first\", \"metadata\": {\"k\": \"v\"}}\n\n{\"text\": \"second\"}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "ignored.bin"), "x");
        var docs = await DocumentReader.ReadAsync(folder);
        Assert.Equal(["a.txt", "b.md", "j1", "c.jsonl:3"], docs.Select(d => d.Id));
        Assert.Equal(DocumentFormat.Markdown, docs[1].Format);
        Assert.Equal(["# Title\nintro", "## Part\nbody text"], TextChunker.Chunk(docs[1].Text, DocumentFormat.Markdown, new ChunkingOptions()));
        Assert.Equal("v", docs[2].Metadata["k"]);

        string bad = Path.Combine(folder, "bad.jsonl");
        await File.WriteAllTextAsync(bad, "{\"text\": \"ok\"}\n{\"id\": \"x\"}\n");
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => DocumentReader.ReadAsync(bad));
        Assert.Contains("bad.jsonl line 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"text\"", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<FileNotFoundException>(() => DocumentReader.ReadAsync(Path.Combine(folder, "missing.txt")));
        await Assert.ThrowsAsync<ArgumentException>(() => DocumentReader.ReadAsync(Path.Combine(folder, "ignored.bin")));
    }

    [Fact]
    public void Long_text_is_chunked_within_the_size_with_overlap()
    {
        string text = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"word{i}"));
        var chunks = TextChunker.Chunk(text, DocumentFormat.Text, new ChunkingOptions { MaxChars = 200, Overlap = 40 });
        Assert.True(chunks.Count > 10);
        Assert.All(chunks, c => Assert.InRange(c.Length, 1, 200));
        for (int i = 1; i < chunks.Count; i++)
        {
            string firstWord = chunks[i].Split(' ')[0];
            Assert.Contains(firstWord, chunks[i - 1], StringComparison.Ordinal); // overlap repeats the previous end
        }

        Assert.Contains("word399", chunks[^1], StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => TextChunker.Chunk(text, DocumentFormat.Text, new ChunkingOptions { MaxChars = 100, Overlap = 60 }));
    }
}
