using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using RefineMemory.Agents;

namespace RefineMemory.AgentFramework;

/// <summary>A Microsoft Agent Framework <see cref="ChatClientAgent"/> that answers with the RefineMemory tools.</summary>
public static class RefineMemoryAgent
{
    /// <summary>The instructions used when none are given.</summary>
    public const string DefaultInstructions =
        "You answer from the memory. Call the search tool before answering, answer only from what it returns, and cite the ids of the results you used.";

    /// <summary>
    /// An agent over <paramref name="chatClient"/> offering <paramref name="tools"/>' search and ingest functions; MAF's
    /// function invocation runs the calls. The tools' judge is whatever judge <paramref name="tools"/> was built with
    /// (with <c>AddRefineMemory</c>, the same chat model).
    /// </summary>
    public static ChatClientAgent Create(IChatClient chatClient, RefineMemoryTools tools, string? instructions = null, string? name = "memory-agent", ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentNullException.ThrowIfNull(tools);
        return new ChatClientAgent(chatClient, instructions ?? DefaultInstructions, name, description: "Answers from RefineMemory with refined search.", tools: [.. tools.All], loggerFactory: loggerFactory);
    }
}
