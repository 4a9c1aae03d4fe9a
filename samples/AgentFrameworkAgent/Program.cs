// A Microsoft Agent Framework ChatClientAgent answering from the memory that `refine ingest` wrote. The agent's
// chat model (any OpenAI-compatible endpoint, through Microsoft.Extensions.AI.OpenAI) calls RefineMemory's search
// tool, and the same model judges the candidates inside every search.
//
//   refine ingest ./docs --collection docs --db memory.db
//   REFINE_CHAT_ENDPOINT=http://localhost:11434/v1 REFINE_CHAT_MODEL=qwen2.5:7b \
//     dotnet run --project samples/AgentFrameworkAgent -- --db memory.db --collection docs "How do I rotate the API keys?"
using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using RefineMemory.AgentFramework;
using RefineMemory.Agents;
using RefineMemory.Samples.Agents;

return await AgentCommandLine.RunAsync("AgentFrameworkAgent", args, async (command, model, ct) =>
{
    IChatClient chat = new OpenAIClient(new ApiKeyCredential(model.ApiKey ?? "no-key"), new OpenAIClientOptions { Endpoint = model.Endpoint })
        .GetChatClient(model.Model).AsIChatClient();
    var services = new ServiceCollection();
    services.AddSingleton(chat);
    services.AddRefineMemoryEmbedder(command.Embedder); // what `refine ingest` embedded with (its default unless --embedder)
    services.AddSqliteMemoryStore(command.Database);
    services.AddRefineMemory(o => o.Tools.DefaultCollection = command.Collection); // the same model judges, by yes/no logprobs
    await using var provider = services.BuildServiceProvider();

    var agent = RefineMemoryAgent.Create(chat, provider.GetRequiredService<RefineMemoryTools>());
    var response = await agent.RunAsync(command.Question, cancellationToken: ct);
    return response.Text;
});
