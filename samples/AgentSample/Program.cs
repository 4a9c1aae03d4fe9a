// An agent that answers questions with RefineMemory's search tool through an OpenAI-compatible chat model.
// The tools are our AIFunctions (search, ingest) in ChatOptions.Tools; Microsoft.Extensions.AI's
// FunctionInvokingChatClient (AgentChat.cs) runs the calls: the model sees the tools' names, descriptions and JSON
// schemas, asks for calls, and gets the tools' JSON back until it answers (at most MaxRounds rounds of calls).
// The same chat model, unwrapped, is the relevance judge inside every search.
//
//   REFINE_CHAT_ENDPOINT=http://localhost:11434/v1 REFINE_CHAT_MODEL=qwen2.5:7b \
//     dotnet run --project samples/AgentSample -- "How do I rotate the API keys?"
using AgentSample;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RefineMemory.Agents;
using RefineMemory.OpenAI;
using RefineMemory.UseLite;

const int MaxRounds = 6;
if (!ChatModelSettings.TryFromVariables(Environment.GetEnvironmentVariable, out var settings, out string problem))
{
    Console.Error.WriteLine($"AgentSample needs an OpenAI-compatible chat model with tool calling. {problem}");
    return 2;
}

string question = args.Length > 0 ? string.Join(' ', args) : "How often must API keys be rotated, and who approves an exception?";
string database = Path.Combine(Path.GetTempPath(), "refine-agent-sample.db");

var services = new ServiceCollection();
services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = Environment.GetEnvironmentVariable(UseLiteOptions.ModelDirectoryVariable) }));
services.AddSingleton<IChatClient>(new OpenAICompatibleChatClient(settings!));
services.AddSqliteMemoryStore(database);
services.AddRefineMemory(o => o.Tools.DefaultCollection = "handbook");
await using var provider = services.BuildServiceProvider();
var tools = provider.GetRequiredService<RefineMemoryTools>();

// Ingest the sample handbook (unchanged files cost nothing on later runs).
var documents = await RefineMemory.Memory.DocumentReader.ReadAsync(Path.Combine(AppContext.BaseDirectory, "knowledge"));
var ingest = await provider.GetRequiredService<RefineMemory.Memory.IMemoryStore>().IngestAsync("handbook", documents);
Console.Error.WriteLine($"handbook: {ingest.Added} added, {ingest.Unchanged} unchanged ({database})");

using var agent = AgentChat.Create(provider.GetRequiredService<IChatClient>(), MaxRounds, Console.Error);
List<ChatMessage> messages =
[
    new(ChatRole.System, "You answer from the company handbook. Call the search tool first, then answer citing the document ids you used."),
    new(ChatRole.User, question),
];

// After MaxRounds rounds of tool calls the model is asked once more without tools, so it has to answer.
var answer = await agent.GetResponseAsync(messages, new ChatOptions { Tools = [.. tools.All], ToolMode = ChatToolMode.Auto });
Console.WriteLine(string.IsNullOrWhiteSpace(answer.Text) ? "(no answer)" : answer.Text);
return 0;
