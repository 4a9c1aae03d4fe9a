using System.CommandLine;
using System.Globalization;
using RefineMemory.Judge;
using RefineMemory.Refine;

namespace RefineMemory.Cli.Commands;

/// <summary>The feedback options <c>refine search</c> and <c>refine eval</c> share: the strategy and the chat judge's batch size.</summary>
internal static class FeedbackCommandOptions
{
    public static Option<string?> Strategy() => new("--feedback-strategy")
    {
        Description = $"Which documents are judged: {string.Join(", ", FeedbackStrategyNames.All)} (default top: the top --feedback in one round).",
    };

    public static Option<int?> JudgeBatch() => new("--judge-batch")
    {
        Description = $"Chat judge: documents judged per call, 1 to {ChatRelevanceJudgeOptions.MaxBatchSize} (default 1, one call per document; 5 judges 20 documents in 4 calls).",
    };

    /// <summary>The strategy named by <paramref name="name"/>; <see cref="FeedbackStrategy.Top"/> when none.</summary>
    public static FeedbackStrategy ParseStrategy(string? name) =>
        name is null ? FeedbackStrategy.Top
        : FeedbackStrategyNames.TryParse(name, out var strategy) ? strategy
        : throw new CliInputException($"--feedback-strategy must be one of {string.Join(", ", FeedbackStrategyNames.All)}; got '{name}'.");

    /// <summary>The batch size given, checked; 1 when none.</summary>
    public static int ParseJudgeBatch(int? value) =>
        value is null ? 1
        : value is >= 1 and <= ChatRelevanceJudgeOptions.MaxBatchSize ? value.Value
        : throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"--judge-batch must be from 1 to {ChatRelevanceJudgeOptions.MaxBatchSize}; got {value}."));
}
