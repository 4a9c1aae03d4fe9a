using RefineMemory.Cli.Commands;

namespace RefineMemory.Cli.Tests;

/// <summary>The rule of <c>refine eval --suite budget</c> (<see cref="EvalBudgetGrid.Choose"/>), on made-up cells.</summary>
public sealed class BudgetChoiceRuleTests
{
    private static EvalBudgetGrid.Cell Cell(string set, string judge, string strategy, int budget, double refined, double rerank = 0.5) =>
        new(set, judge, true, strategy, budget, 10, Baseline: 0.5, refined, rerank, CallsPerQuery: 0, JudgementsPerQuery: budget, StoppedEarly: 0);

    /// <summary>top/20 on two sets for both judges: gold 0.70, simulated:0.2 0.60 (a gain of 0.10).</summary>
    private static IEnumerable<EvalBudgetGrid.Cell> Reference() =>
        from set in new[] { "a", "b" }
        from judge in new[] { ("gold", 0.70), ("simulated:0.2", 0.60) }
        select Cell(set, judge.Item1, "top", 20, judge.Item2);

    [Fact]
    public void The_strategy_passing_every_cell_at_budget_10_with_the_best_mean_gain_is_chosen()
    {
        var cells = Reference().Concat(
        [
            // rounds: at least top/20 with gold, 95 % of its gain with noise, everywhere.
            Cell("a", "gold", "rounds", 10, 0.72), Cell("b", "gold", "rounds", 10, 0.70),
            Cell("a", "simulated:0.2", "rounds", 10, 0.595), Cell("b", "simulated:0.2", "rounds", 10, 0.60),
            // diverse: a better mean, but under the noisy judge on set b only 50 % of top/20's gain.
            Cell("a", "gold", "diverse", 10, 0.80), Cell("b", "gold", "diverse", 10, 0.80),
            Cell("a", "simulated:0.2", "diverse", 10, 0.65), Cell("b", "simulated:0.2", "diverse", 10, 0.55),
            // top/10: below top/20 with gold.
            Cell("a", "gold", "top", 10, 0.65), Cell("b", "gold", "top", 10, 0.66),
            Cell("a", "simulated:0.2", "top", 10, 0.60), Cell("b", "simulated:0.2", "top", 10, 0.60),
        ]).ToList();

        var (strategy, why) = EvalBudgetGrid.Choose(cells);

        Assert.Equal("rounds", strategy);
        Assert.Contains("1 strategies pass", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Rerank_only_must_be_beaten_with_gold_and_none_passing_keeps_top()
    {
        var cells = Reference().Concat(
        [
            Cell("a", "gold", "rounds", 10, 0.72, rerank: 0.75), Cell("b", "gold", "rounds", 10, 0.72),
            Cell("a", "simulated:0.2", "rounds", 10, 0.60), Cell("b", "simulated:0.2", "rounds", 10, 0.60),
        ]).ToList();

        var (strategy, why) = EvalBudgetGrid.Choose(cells);

        Assert.Equal("top", strategy);
        Assert.Contains("no strategy passes", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_budget_10_or_top_at_20_the_rule_is_not_applied()
    {
        var (strategy, why) = EvalBudgetGrid.Choose([Cell("a", "gold", "rounds", 5, 0.9)]);

        Assert.Equal("top", strategy);
        Assert.Contains("not applied", why, StringComparison.Ordinal);
    }
}
