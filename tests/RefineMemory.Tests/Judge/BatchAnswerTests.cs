using RefineMemory.Judge;

namespace RefineMemory.Tests.Judge;

public sealed class BatchAnswerTests
{
    [Theory]
    [InlineData("[1] Yes\n[2] No\n[3] yes.")]
    [InlineData("1. Yes\n2. No\n3: yes")]
    [InlineData("Here are my answers:\n\nDocument [1]: Yes\nDocument [2]: NO\nDocument 3 - Yes")]
    [InlineData("**[1]** **Yes**\n- [2] No\n[3] = yes")]
    [InlineData("[3] Yes\n[1] Yes\n[2] No")]
    public void Lines_are_matched_to_documents_by_number_in_common_shapes_and_orders(string text)
    {
        var lines = BatchAnswer.Read(text, 3);

        Assert.Equal(["yes", "no", "yes"], lines.Select(l => YesNoScore.Classify(l.Answer!)));
        Assert.All(lines, l => Assert.Null(l.Problem));
        Assert.All(lines, l => Assert.StartsWith(l.Answer!, text[l.Offset..], StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_or_repeated_number_gives_that_document_no_answer_and_a_reason()
    {
        var lines = BatchAnswer.Read("[1] Yes\n[3] No\n[3] Yes\n[4] No\n[12] Yes\n2023 was a good year", 4);

        Assert.Equal("Yes", lines[0].Answer);
        Assert.Null(lines[1].Answer);
        Assert.Equal("the batched answer has no line for document [2]", lines[1].Problem);
        Assert.Null(lines[2].Answer);
        Assert.Equal(["[3] No", "[3] Yes"], lines[2].Repeats);
        Assert.Contains("2 lines for document [3]", lines[2].Problem, StringComparison.Ordinal);
        Assert.Equal("No", lines[3].Answer);
    }

    [Fact]
    public void Text_without_numbered_lines_answers_no_document()
    {
        var lines = BatchAnswer.Read("I cannot judge these documents.", 2);

        Assert.All(lines, l => Assert.NotNull(l.Problem));
    }

    [Fact]
    public void The_batched_prompt_numbers_the_documents_and_parses_back()
    {
        string prompt = JudgeBatchPrompt.YesNo("refund late", ["first text", "second\nline", "third"], "Find help.");

        Assert.Contains("\nDocument [2]: second\nline\nDocument [3]: third\n", prompt, StringComparison.Ordinal);
        Assert.EndsWith(JudgeBatchPrompt.YesNoSuffix, prompt, StringComparison.Ordinal);
        Assert.True(JudgeBatchPrompt.TryParse(prompt, out var parts));
        Assert.Equal(("refund late", "Find help.", false), (parts.Query, parts.Instruction, parts.IsVerbalized));
        Assert.Equal(["first text", "second\nline", "third"], parts.Documents);
        Assert.True(JudgeBatchPrompt.TryParse(JudgeBatchPrompt.Verbalized("q", ["a", "b"]), out var rated));
        Assert.True(rated.IsVerbalized);
        Assert.Null(rated.Instruction);
        Assert.False(JudgeBatchPrompt.TryParse(JudgePrompt.YesNo("q", "a"), out _));
        Assert.False(JudgePrompt.TryParse(prompt, out _));
    }

    [Fact]
    public void Scores_come_from_the_logprobs_at_each_documents_answer_token()
    {
        var docs = new[] { new JudgeDocument("a", "x"), new JudgeDocument("b", "y"), new JudgeDocument("c", "z") };
        GeneratedTokenLogprobs T(string token, params (string Token, double P)[] top) =>
            new(token, Math.Log(top.Length == 0 ? 1.0 : top[0].P), top.Select(t => new TokenLogprob(t.Token, Math.Log(t.P))).ToArray());
        var tokens = new[]
        {
            T("[2"), T("]"), T(" No", (" No", 0.8), (" Yes", 0.2)), T("\n"),
            T("[1"), T("]"), T(" Yes", (" Yes", 0.6), (" No", 0.2)), T("\n"),
            T("[3"), T("]"), T(" Maybe", (" Maybe", 0.99), (" Yes", 1e-6)),
        };

        var judgments = BatchScores.FromLogprobs(docs, tokens, 1e-4);

        Assert.Equal(0.75, judgments[0].Score!.Value, 5);
        Assert.Equal(0.2, judgments[1].Score!.Value, 5);
        Assert.Equal(JudgeFailureKind.NoYesNoProbability, judgments[2].Failure!.Kind);
    }
}
