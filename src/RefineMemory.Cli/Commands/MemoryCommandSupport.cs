using System.CommandLine;
using Microsoft.Extensions.AI;
using RefineMemory.Judge;
using RefineMemory.OpenAI;
using RefineMemory.UseLite;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// What <c>refine search</c>, <c>refine ingest</c> and <c>refine mcp</c> share: the database option, the choice
/// of embedder (USE-Lite locally, or an OpenAI-compatible endpoint) and the chat judge from the environment.
/// </summary>
internal static class MemoryCommandSupport
{
    public const string DatabaseVariable = "REFINE_MEMORY_DB";

    public static Option<string> DatabaseOption() => new("--db")
    {
        Description = $"The memory: a SQLite file, postgresql://user@host:port/db or Host=...;Database=... (default ${DatabaseVariable}, else ./refine-memory.db).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(DatabaseVariable) is { Length: > 0 } db ? db : "refine-memory.db",
    };

    public static Option<string> EmbedderOption()
    {
        var option = new Option<string>("--embedder")
        {
            Description = "use-lite (local 512-d model installed by `make setup`) or openai (REFINE_EMBEDDING_ENDPOINT/MODEL/API_KEY).",
            DefaultValueFactory = _ => "use-lite",
        };
        option.AcceptOnlyFromAmong("use-lite", "openai");
        return option;
    }

    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbedder(string kind)
    {
        if (kind == "openai")
        {
            return EmbeddingModelSettings.TryFromEnvironment(out var settings, out string problem)
                ? new OpenAICompatibleEmbeddingGenerator(settings!)
                : throw new CliInputException($"--embedder openai: {problem}");
        }

        return UseLiteEmbeddingGenerator.Create();
    }

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
