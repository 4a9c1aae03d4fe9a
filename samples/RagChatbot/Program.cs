// A RAG chatbot over a folder of .txt/.md/.jsonl files: each question is answered from passages found by
// refined search (the chat model judges the candidates, the query is refined, the collection re-scored),
// and the answer cites them. Type a question per line; an empty line quits.
//
//   REFINE_CHAT_ENDPOINT=... REFINE_CHAT_MODEL=... dotnet run --project samples/RagChatbot -- ./docs
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.OpenAI;
using RefineMemory.Samples;
using RefineMemory.Search;
using RefineMemory.Sqlite;
using RefineMemory.UseLite;

if (!ChatModelSettings.TryFromVariables(Environment.GetEnvironmentVariable, out var settings, out string problem))
{
    Console.Error.WriteLine($"RagChatbot needs an OpenAI-compatible chat model (it answers and judges). {problem}");
    return 2;
}

string folder = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "AgentSample", "knowledge");
using var chat = new OpenAICompatibleChatClient(settings!);
using var embedder = UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = Environment.GetEnvironmentVariable(UseLiteOptions.ModelDirectoryVariable) });
using var store = new SqliteMemoryStore(new SqliteMemoryStoreOptions { DatabasePath = Path.Combine(Path.GetTempPath(), "refine-rag-sample.db") }, embedder);
var ingest = await store.IngestAsync("docs", await DocumentReader.ReadAsync(folder));
Console.Error.WriteLine($"docs: {ingest.Added} added, {ingest.Updated} updated, {ingest.Unchanged} unchanged from {Path.GetFullPath(folder)}");

var rag = new RagChat(new RefinedSearch(store, embedder, new ChatRelevanceJudge(chat)), chat, "docs");
while (true)
{
    Console.Write("> ");
    string? question = Console.ReadLine();
    if (string.IsNullOrWhiteSpace(question))
    {
        return 0;
    }

    var answer = await rag.AskAsync(question);
    Console.WriteLine(answer.Answer);
    for (int i = 0; i < answer.Passages.Count; i++)
    {
        var p = answer.Passages[i];
        Console.WriteLine($"  [{i + 1}] {p.Source ?? p.DocumentId} (rank {p.Rank}, was {p.RankBefore})");
    }

    var d = answer.Diagnostics;
    Console.Error.WriteLine(d.Refined ? $"  refined: {d.Judged.Count} judged in {d.JudgeTime.TotalMilliseconds:0} ms" : $"  not refined: {d.SkippedReason}");
}
