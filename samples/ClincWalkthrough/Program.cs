// The notebook's walkthrough as a command: CLINC150's first N intents embedded by USE-Lite into SQLite, one refined
// search per intent description, mean average precision over the collection before and after refinement.
// The judge is the gold labels, or the chat model named by REFINE_CHAT_ENDPOINT/REFINE_CHAT_MODEL with --chat.
//
//   dotnet run -c Release --project samples/ClincWalkthrough -- [intents=20] [--chat] [--shared ../shared]
using System.Diagnostics;
using System.Globalization;
using RefineMemory.Judge;
using RefineMemory.OpenAI;
using RefineMemory.Samples;
using RefineMemory.Search;
using RefineMemory.Sqlite;
using RefineMemory.UseLite;

int intents = args.FirstOrDefault(a => int.TryParse(a, out _)) is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 20;
int sharedAt = Array.IndexOf(args, "--shared");
string shared = sharedAt >= 0 && sharedAt + 1 < args.Length ? args[sharedAt + 1] : Path.Combine("..", "shared");
var data = await Clinc150.LoadAsync(Path.Combine(shared, "datasets", "clinc150"), intents);

UseLiteEmbeddingGenerator embedder;
try
{
    embedder = UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = Environment.GetEnvironmentVariable(UseLiteOptions.ModelDirectoryVariable) });
}
catch (UseLiteModelNotFoundException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var disposeEmbedder = embedder;
string db = Path.Combine(Path.GetTempPath(), $"refine-clinc-{intents}.db");
using var store = new SqliteMemoryStore(new SqliteMemoryStoreOptions { DatabasePath = db }, embedder);
var clock = Stopwatch.StartNew();
var ingest = await data.IngestAsync(store, "clinc");
Console.WriteLine($"{data.Utterances.Count} utterances: {ingest.Added} added, {ingest.Unchanged} unchanged, {ingest.EmbeddedChunks} embedded in {clock.Elapsed.TotalSeconds:0.0} s ({db})");

IRelevanceJudge judge = data.GoldJudge();
if (args.Contains("--chat"))
{
    if (!ChatModelSettings.TryFromVariables(Environment.GetEnvironmentVariable, out var settings, out string problem))
    {
        Console.Error.WriteLine($"--chat: {problem}");
        return 2;
    }

    judge = new ChatRelevanceJudge(new OpenAICompatibleChatClient(settings!));
}

var search = new RefinedSearch(store, embedder, judge);
var before = new List<double>();
var after = new List<double>();
foreach (string intent in data.Descriptions.Keys.Order(StringComparer.Ordinal))
{
    var w = await RefinementWalkthrough.RunAsync(search, data, "clinc", intent);
    before.Add(w.AveragePrecisionBefore);
    after.Add(w.AveragePrecisionAfter);
    var d = w.Search.Diagnostics;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{intent,-24} AP {w.AveragePrecisionBefore:0.000} -> {w.AveragePrecisionAfter:0.000}  {(d.Refined ? "refined" : "skipped: " + d.SkippedReason)}  embed {d.EmbedTime.TotalMilliseconds:0.0} ms, judge {d.JudgeTime.TotalMilliseconds:0.0} ms, optimise {d.OptimiseTime.TotalMilliseconds:0.0} ms"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"mean AP over {before.Count} intents ({judge.GetType().Name}): {before.Average():0.0000} -> {after.Average():0.0000} ({(after.Average() / before.Average() - 1) * 100:+0.0;-0.0}%)"));
return 0;
