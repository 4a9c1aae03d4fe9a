// A Semantic Kernel agent answering from the memory that `refine ingest` wrote, with refined search as a plugin.
// The kernel's chat model (any OpenAI-compatible endpoint, through SK's OpenAI connector) both answers and judges:
// the plugin's search asks it yes/no per candidate, refines the query vector and returns the re-ranked passages.
//
//   refine ingest ./docs --collection docs --db memory.db
//   REFINE_CHAT_ENDPOINT=http://localhost:11434/v1 REFINE_CHAT_MODEL=qwen2.5:7b \
//     dotnet run --project samples/SemanticKernelAgent -- --db memory.db --collection docs "How do I rotate the API keys?"
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using RefineMemory.Samples.Agents;

return await AgentCommandLine.RunAsync("SemanticKernelAgent", args, async (command, model, ct) =>
{
    var builder = Kernel.CreateBuilder();
    builder.AddOpenAIChatClient(model.Model, model.Endpoint, model.ApiKey);
    builder.Services.AddRefineMemoryEmbedder(command.Embedder); // what `refine ingest` embedded with (its default unless --embedder)
    builder.Services.AddSqliteMemoryStore(command.Database);
    builder.AddRefineMemory(o => o.Tools.DefaultCollection = command.Collection);
    var kernel = builder.Build();

    var settings = new OpenAIPromptExecutionSettings
    {
        FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(),
        ChatSystemPrompt = "Answer from the memory: call memory search first, answer only from what it returns, and cite the ids you used.",
    };
    // The question is a template variable, so braces in it are text, not template syntax.
    var answer = await kernel.InvokePromptAsync("{{$question}}", new(settings) { ["question"] = command.Question }, cancellationToken: ct);
    return answer.ToString();
});
