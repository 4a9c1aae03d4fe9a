// The README's "Semantic Kernel in ten lines", as a consumer builds it from the packages (see the project file).
// Usage: SemanticKernelConsumer <OpenAI-compatible base URL>; prints the agent's answer, exit 0.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;

if (args.Length != 1 || !Uri.TryCreate(args[0], UriKind.Absolute, out Uri? endpoint))
{
    Console.Error.WriteLine("usage: SemanticKernelConsumer <OpenAI-compatible base URL, e.g. http://127.0.0.1:5000/v1>");
    return 2;
}

string apiKey = "consumer-key";
string dbPath = Path.Combine(Path.GetTempPath(), $"refine-consumer-{Guid.NewGuid():N}.db");
var docs = Enumerable.Range(0, 12).Select(i => new Dictionary<string, object?>
{
    ["id"] = $"doc{i}",
    ["text"] = i % 2 == 0
        ? $"Refunds go back to the original card within {i + 3} business days; a pending refund shows as a credit."
        : $"Our store in district {i} opens at nine and sells garden furniture and outdoor lighting.",
}).ToArray();

try
{
    // README snippet: begin
    var builder = Kernel.CreateBuilder();
    builder.AddOpenAIChatClient("gpt-4o-mini", endpoint, apiKey);                       // the agent's model, also the judge
    builder.Services.AddPretrainedEmbeddingGenerator();                                  // arctic-embed-xs (RefineMemory.Onnx), as `refine ingest`
    builder.Services.AddSqliteMemoryStore(dbPath);                                       // the memory: a SQLite file (RefineMemory.Sqlite)
    builder.AddRefineMemory(o => o.Tools.DefaultCollection = "docs");
    Kernel kernel = builder.Build();

    await kernel.InvokeAsync("memory", "ingest", new() { ["documents"] = docs });      // or: refine ingest ./docs --db memory.db
    var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
    var answer = await kernel.InvokePromptAsync("When will my refund show up?", new(settings));
    // README snippet: end

    Console.WriteLine(answer);
    return 0;
}
finally
{
    File.Delete(dbPath); // Linux and macOS delete an open file; elsewhere the temp folder keeps it.
}
