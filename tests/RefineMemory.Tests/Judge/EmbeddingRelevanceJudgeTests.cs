using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Judge;

namespace RefineMemory.Tests.Judge;

public sealed class EmbeddingRelevanceJudgeTests
{
    /// <summary>Looks texts up in a table of vectors; counts the texts it was asked for.</summary>
    private sealed class TableGenerator(Dictionary<string, float[]> vectors) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public List<(string Text, EmbeddingPurpose Purpose)> Seen { get; } = [];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var result = new GeneratedEmbeddings<Embedding<float>>();
            foreach (string text in values)
            {
                Seen.Add((text, EmbeddingPurposes.Of(options)));
                result.Add(new Embedding<float>(vectors[text]));
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private static readonly Dictionary<string, float[]> Vectors = new()
    {
        ["refund"] = [1, 0, 0],
        ["query: refund"] = [0, 1, 0],
        ["money back"] = [0.8f, 0.6f, 0],
        ["weather"] = [0, 0, 1],
        ["both"] = [0.6f, 0, 0.8f],
        ["nothing"] = [0, 0, 0],
    };

    private static JudgeRequest Request(params string[] docs) => new("refund", docs.Select((t, i) => new JudgeDocument("d" + i, t)).ToArray());

    [Fact]
    public async Task Scores_are_cosines_over_the_temperature_in_request_order()
    {
        var judge = new EmbeddingRelevanceJudge(new TableGenerator(Vectors), new EmbeddingRelevanceJudgeOptions { Temperature = 0.1 });
        var result = await judge.JudgeAsync(Request("money back", "weather", "both"));

        Assert.Equal(["d0", "d1", "d2"], result.Judgments.Select(j => j.DocumentId));
        Assert.Equal(8.0, result.Judgments[0].Score!.Value, 4);
        Assert.Equal(0.0, result.Judgments[1].Score!.Value, 4);
        Assert.Equal(6.0, result.Judgments[2].Score!.Value, 4);
        Assert.Equal(3, result.Diagnostics.Judged);
        Assert.Equal(2, result.Diagnostics.Calls);
    }

    [Fact]
    public async Task The_query_format_decides_what_the_judges_model_embeds()
    {
        var generator = new TableGenerator(Vectors);
        var judge = new EmbeddingRelevanceJudge(generator, new EmbeddingRelevanceJudgeOptions { Temperature = 1, FormatQuery = (q, _) => "query: " + q });
        var result = await judge.JudgeAsync(Request("money back"));

        Assert.Equal(("query: refund", EmbeddingPurpose.Query), generator.Seen[0]);
        Assert.Equal(("money back", EmbeddingPurpose.Document), generator.Seen[1]);
        Assert.Equal(0.6, result.Judgments[0].Score!.Value, 4);
    }

    [Fact]
    public async Task A_zero_document_vector_is_a_failed_judgment_not_a_score()
    {
        var judge = new EmbeddingRelevanceJudge(new TableGenerator(Vectors));
        var result = await judge.JudgeAsync(Request("money back", "nothing"));

        Assert.True(result.Judgments[0].Succeeded);
        Assert.False(result.Judgments[1].Succeeded);
        Assert.Equal(JudgeFailureKind.MalformedResponse, result.Judgments[1].Failure!.Kind);
        Assert.Equal(1, result.Diagnostics.Failed);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    public void A_temperature_that_is_not_positive_and_finite_is_refused(double t)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddingRelevanceJudge(new TableGenerator(Vectors), new EmbeddingRelevanceJudgeOptions { Temperature = t }));
    }
}
