// An agent that answers questions with RefineMemory's search tool through an OpenAI-compatible chat model.
// The function-invoking chat client package is not available here, so the tool-call loop is written out below
// with the OpenAI SDK: the model sees the tools' names, descriptions and JSON schemas, asks for calls, and gets
// the tools' JSON back until it answers. The same chat model is the relevance judge inside every search.
//
//   REFINE_CHAT_ENDPOINT=http://localhost:11434/v1 REFINE_CHAT_MODEL=qwen2.5:7b \
//     dotnet run --project samples/AgentSample -- "How do I rotate the API keys?"
using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using RefineMemory.Agents;
using RefineMemory.OpenAI;
using RefineMemory.UseLite;

if (!ChatModelSettings.TryFromEnvironment(out var settings, out string problem))
{
    Console.Error.WriteLine($"AgentSample needs an OpenAI-compatible chat model with tool calling. {problem}");
    return 2;
}

string question = args.Length > 0 ? string.Join(' ', args) : "How often must API keys be rotated, and who approves an exception?";
string database = Path.Combine(Path.GetTempPath(), "refine-agent-sample.db");

var services = new ServiceCollection();
services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => UseLiteEmbeddingGenerator.Create());
services.AddSingleton<IChatClient>(new OpenAICompatibleChatClient(settings!));
services.AddRefineMemory(o =>
{
    o.DatabasePath = database;
    o.Tools.DefaultCollection = "handbook";
});
await using var provider = services.BuildServiceProvider();
var tools = provider.GetRequiredService<RefineMemoryTools>();

// Ingest the sample handbook (unchanged files cost nothing on later runs).
var documents = await RefineMemory.Memory.DocumentReader.ReadAsync(Path.Combine(AppContext.BaseDirectory, "knowledge"));
var ingest = await provider.GetRequiredService<RefineMemory.Memory.IMemoryStore>().IngestAsync("handbook", documents);
Console.Error.WriteLine($"handbook: {ingest.Added} added, {ingest.Unchanged} unchanged ({database})");

var client = new ChatClient(settings!.Model, new ApiKeyCredential(settings.ApiKey ?? "none"), new OpenAIClientOptions { Endpoint = settings.Endpoint });
var functions = tools.All.ToDictionary(f => f.Name);
var options = new ChatCompletionOptions();
foreach (var f in tools.All)
{
    options.Tools.Add(ChatTool.CreateFunctionTool(f.Name, f.Description, BinaryData.FromString(f.JsonSchema.GetRawText())));
}

List<OpenAI.Chat.ChatMessage> messages =
[
    new SystemChatMessage("You answer from the company handbook. Call the search tool first, then answer citing the document ids you used."),
    new UserChatMessage(question),
];

for (int round = 0; round < 6; round++)
{
    ChatCompletion completion = await client.CompleteChatAsync(messages, options);
    if (completion.FinishReason != OpenAI.Chat.ChatFinishReason.ToolCalls)
    {
        Console.WriteLine(completion.Content.Count > 0 ? completion.Content[0].Text : "(no answer)");
        return 0;
    }

    messages.Add(new AssistantChatMessage(completion));
    foreach (var call in completion.ToolCalls)
    {
        string output;
        try
        {
            using var json = JsonDocument.Parse(call.FunctionArguments);
            var arguments = new AIFunctionArguments(json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone()));
            var result = functions.TryGetValue(call.FunctionName, out var function)
                ? await function.InvokeAsync(arguments)
                : throw new ArgumentException($"There is no tool named '{call.FunctionName}'.");
            output = result is JsonElement e ? e.GetRawText() : JsonSerializer.Serialize(result);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or JsonException)
        {
            output = JsonSerializer.Serialize(new { error = ex.Message }); // the model can correct its call
        }

        Console.Error.WriteLine($"tool {call.FunctionName}({call.FunctionArguments}) -> {output.Length} chars");
        messages.Add(new ToolChatMessage(call.Id, output));
    }
}

Console.Error.WriteLine("The model kept calling tools without answering; stopped after 6 rounds.");
return 1;
