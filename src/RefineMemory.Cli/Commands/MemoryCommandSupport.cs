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
        Description = $"The memory: a SQLite file, postgresql://user@host:port/db or Host=...;Database=... (default ${DatabaseVariable}, else ./refine-memory.db).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(DatabaseVariable) is { Length: > 0 } db ? db : "refine-memory.db",
    };

    /// <summary><c>--judge-budget SECONDS</c>: the total time the judge may take per search.</summary>
    public static Option<double?> JudgeBudgetOption() => new("--judge-budget")
    {
        Description = "Seconds the judge may take per search, retries included (default 20, at most 3600); then the search answers with what was judged.",
    };

    /// <summary>The budget given, checked, or the default.</summary>
    public static TimeSpan JudgeBudget(ParseResult parse, Option<double?> option)
    {
        double? seconds = parse.GetValue(option);
        if (seconds is null)
        {
            return new RefineMemory.Refine.RefinementOptions().JudgeBudget;
        }

        return seconds is > 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds.Value)
            : throw new CliInputException(FormattableString.Invariant($"--judge-budget must be a number of seconds above 0 and at most 3600; got {seconds}."));
    }

    /// <summary>The chat judge from REFINE_CHAT_*; when it is not configured, a message saying what to set.</summary>
    public static IChatClient? TryCreateChatClient(out string problem)
    {
        if (ChatModelSettings.TryFromVariables(Environment.GetEnvironmentVariable, out var settings, out problem))
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
            throw new ModelConfigurationException(problem);
    }
}
