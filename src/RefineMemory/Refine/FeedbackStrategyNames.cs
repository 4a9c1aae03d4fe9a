namespace RefineMemory.Refine;

/// <summary>The command-line names of <see cref="FeedbackStrategy"/>: top, rounds, diverse, early-stop.</summary>
public static class FeedbackStrategyNames
{
    private static readonly (string Name, FeedbackStrategy Strategy)[] Names =
    [
        ("top", FeedbackStrategy.Top),
        ("rounds", FeedbackStrategy.Rounds),
        ("diverse", FeedbackStrategy.Diverse),
        ("early-stop", FeedbackStrategy.EarlyStop),
    ];

    /// <summary>Every name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = Names.Select(n => n.Name).ToArray();

    /// <summary>The name of <paramref name="strategy"/>.</summary>
    public static string Of(FeedbackStrategy strategy) =>
        Names.First(n => n.Strategy == strategy).Name;

    /// <summary>The strategy called <paramref name="name"/> (case-insensitive); <c>false</c> for an unknown name.</summary>
    public static bool TryParse(string? name, out FeedbackStrategy strategy)
    {
        foreach (var n in Names)
        {
            if (string.Equals(n.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                strategy = n.Strategy;
                return true;
            }
        }

        strategy = FeedbackStrategy.Top;
        return false;
    }
}
