using System.Text;
using RefineMemory.Cli.Commands;

namespace RefineMemory.Cli.Tests;

public sealed class StepChoiceRuleTests
{
    // Columns: 0 = the paper's step, 1 = a larger step, 2 = the largest; rows: (baseline, MAP per column).
    private static readonly List<(string, double, double[])> Cells =
    [
        ("a | gold", 0.5, [0.60, 0.70, 0.75]),
        ("a | simulated:0.2", 0.5, [0.56, 0.55, 0.49]),
        ("b | gold", 0.4, [0.50, 0.60, 0.62]),
        ("b | simulated:0.2", 0.4, [0.44, 0.42, 0.41]),
    ];

    [Fact]
    public void The_rule_takes_the_best_mean_gain_that_is_never_below_the_paper_with_gold_and_positive_with_noise()
    {
        var rule = EvalGrids.StepChoiceRule(["gold", "simulated:0.2", "gold", "simulated:0.2"]);
        var sb = new StringBuilder();

        int chosen = EvalGrids.Table(sb, "set | judge", ["paper", "larger", "largest"], Cells, eligible: i => i > 0, admissible: rule);

        // "largest" has the best mean but loses to the baseline under the noisy judge on set a; "larger" is below the
        // paper's step under the noisy judge, which the rule allows, and the footer says.
        Assert.Equal(1, chosen);
        string table = sb.ToString();
        Assert.Contains("(below paper somewhere)", table, StringComparison.Ordinal);
        Assert.Contains("(fails the rule)", table, StringComparison.Ordinal);
    }

    [Fact]
    public void When_no_column_qualifies_the_papers_step_is_kept()
    {
        var rule = EvalGrids.StepChoiceRule(["gold", "gold"]);
        var cells = new List<(string, double, double[])> { ("a | gold", 0.5, [0.60, 0.58, 0.59]), ("b | gold", 0.4, [0.50, 0.55, 0.45]) };

        Assert.Equal(0, EvalGrids.Table(new StringBuilder(), "set | judge", ["paper", "x", "y"], cells, eligible: i => i > 0, admissible: rule));
    }
}
