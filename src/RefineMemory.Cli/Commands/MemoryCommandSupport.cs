using System.CommandLine;
using Microsoft.Extensions.AI;
using RefineMemory.Judge;
using RefineMemory.OpenAI;
using RefineMemory.UseLite;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// What <c>refine search</c>, <c>refine ingest</c> and <c>refine mcp</c> share: the database option and the
/// chat judge from the environment (the embedder option is <see cref="EmbedderFactory.Option"/>).
/// </summary>
internal static class MemoryCommandSupport
{
    public const string DatabaseVariable = "REFINE_MEMORY_DB";

    public static Option<string> DatabaseOption() => new("--db")
    {
        Description = $"The SQLite memory file (default ${DatabaseVariable}, else ./refine-memory.db).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(DatabaseVariable) is { Length: > 0 } db ? db : "refine-memory.db",
    };

    /// <summary>The chat judge from REFINE_CHAT_*; when it is not configured, a message saying what to set.</summary>
    public static IChatClient? TryCreateChatClient(out string problem)
    {
        if (ChatModelSettings.TryFromEnvironment(out var settings, out problem))
        {
            return new OpenAICompatibleChatClient(settings!);
        }

        problem = $"refinement uses a chat model as judge: {problem} Or pass --no-refine for plain similarity search.";
        return null;
    }

    /// <summary>A judge for when refinement is off: it is never called, and says so if it were.</summary>
    public static IRelevanceJudge NoJudge(string problem) => new UnconfiguredJudge(problem);

    private sealed class UnconfiguredJudge(string problem) : IRelevanceJudge
    {
        public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default) =>
            throw new CliInputException(problem);
    }
}
