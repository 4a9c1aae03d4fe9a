using RefineMemory.Judge;

namespace RefineMemory.Tests.Judge;

public sealed class JudgePromptAndScoreTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("Given a question, find passages that answer it.")]
    public void Prompts_end_with_the_question_and_parse_back(string? instruction)
    {
        string yesNo = JudgePrompt.YesNo("what is a q?", "line one\nline two", instruction);
        Assert.EndsWith("\nRelevant? (Yes/No):", yesNo, StringComparison.Ordinal);
        Assert.True(JudgePrompt.TryParse(yesNo, out var parts));
        Assert.Equal(("what is a q?", "line one\nline two", instruction, false), (parts.Query, parts.Document, parts.Instruction, parts.IsVerbalized));

        Assert.True(JudgePrompt.TryParse(JudgePrompt.Verbalized("q", "d", instruction), out var rated));
        Assert.True(rated.IsVerbalized);
        Assert.False(JudgePrompt.TryParse("Write a passage about cats.", out _));
    }

    [Theory]
    [InlineData("Yes", "yes")]
    [InlineData(" Yes", "yes")]
    [InlineData("YES", "yes")]
    [InlineData("yes.", "yes")]
    [InlineData("\"Yes\"", "yes")]
    [InlineData("No", "no")]
    [InlineData(" no,", "no")]
    [InlineData("yesterday", null)]
    [InlineData("Yess", null)]
    [InlineData("nope", null)]
    [InlineData("Not", null)]
    [InlineData("", null)]
    public void Token_variants_are_classified(string token, string? expected) => Assert.Equal(expected, YesNoScore.Classify(token));

    private static GeneratedTokenLogprobs Position(string token, params (string Token, double P)[] top) =>
        new(token, Math.Log(top.First(t => t.Token == token).P), top.Select(t => new TokenLogprob(t.Token, Math.Log(t.P))).ToArray());

    [Fact]
    public void The_score_sums_yes_and_no_variants_at_the_first_position()
    {
        var tokens = new[] { Position("Yes", ("Yes", 0.6), (" yes", 0.1), ("No", 0.2), ("NO", 0.05), ("yesterday", 0.05)) };

        var outcome = YesNoScore.Compute(tokens, 1e-4);

        Assert.Equal(0.7 / 0.95, outcome.Score!.Value, 10);
        Assert.Equal((0.7, 0.25, 0), (Math.Round(outcome.YesProbability, 10), Math.Round(outcome.NoProbability, 10), outcome.Position));
    }

    [Fact]
    public void A_leading_token_without_an_answer_defers_to_the_second_position_but_not_the_third()
    {
        var newline = Position("\n", ("\n", 0.99), ("The", 0.01));
        var answer = Position("No", ("No", 0.8), ("Yes", 0.2));
        Assert.Equal(0.2, YesNoScore.Compute([newline, answer], 1e-4).Score!.Value, 10);
        Assert.Equal(1, YesNoScore.Compute([newline, answer], 1e-4).Position);

        var outcome = YesNoScore.Compute([newline, newline, answer], 1e-4);
        Assert.Null(outcome.Score);
        Assert.Equal(-1, outcome.Position);
    }

    [Fact]
    public void Mass_below_the_minimum_gives_no_score_and_the_chosen_token_counts_once()
    {
        var faint = Position("Maybe", ("Maybe", 0.99), ("Yes", 4e-5), ("No", 4e-5));
        Assert.Null(YesNoScore.Compute([faint], 1e-4).Score);
        Assert.Equal(0.5, YesNoScore.Compute([faint], 1e-5).Score!.Value, 10);

        // The chosen token is also in its top list: counted once. Not in it: still counted.
        var listed = Position("Yes", ("Yes", 0.5), ("No", 0.5));
        Assert.Equal(0.5, YesNoScore.Compute([listed], 1e-4).Score!.Value, 10);
        var unlisted = new GeneratedTokenLogprobs("Yes", Math.Log(0.5), [new TokenLogprob("No", Math.Log(0.5))]);
        Assert.Equal(0.5, YesNoScore.Compute([unlisted], 1e-4).Score!.Value, 10);
    }

    [Theory]
    [InlineData("85", 0.85)]
    [InlineData("Rating: 70/100", 0.70)]
    [InlineData(" 100.", 1.0)]
    [InlineData("0", 0.0)]
    [InlineData("42.5", 0.425)]
    public void Verbalized_ratings_parse(string text, double expected)
    {
        Assert.True(VerbalizedRating.TryParse(text, out double score));
        Assert.Equal(expected, score, 10);
    }

    [Theory]
    [InlineData("150")]
    [InlineData("unsure")]
    [InlineData("")]
    [InlineData(null)]
    public void Unparseable_or_out_of_range_ratings_are_rejected(string? text) => Assert.False(VerbalizedRating.TryParse(text, out _));
}
