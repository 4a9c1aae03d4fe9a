using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Search;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// The evaluation measures the shipped path: for the same documents, query and judge, the refined ranking that
/// <see cref="EvaluationRunner"/> scores is the one a user's <see cref="RefinedSearch"/> returns.
/// </summary>
public sealed class EvalSearchAgreementTests : IClassFixture<ClincFixture>
{
    private readonly ClincFixture _clinc;

    public EvalSearchAgreementTests(ClincFixture clinc) => _clinc = clinc;

    // Intents whose top 20 hold relevant utterances. With none (intent 0 of this slice) every judged score is 0, the
    // loss is near 0 from the start, and the 1,000 steps follow rounding: the eval's pool vectors (normalised once
    // more when embedded for the eval) and the store's differ in the 8th digit, and so would the refined rankings.
    [Theory]
    [InlineData(5)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task The_evaluations_refined_top_ten_is_the_searchs(int intentIndex)
    {
        var data = _clinc.Data;
        string intent = data.Descriptions.Keys.Order(StringComparer.Ordinal).ElementAt(intentIndex);
        string description = data.Descriptions[intent];
        // In the SQLite store's order (by id), so that both break ties between equal cosines alike.
        var utterances = data.Utterances.OrderBy(u => u.Id + "#0", StringComparer.Ordinal).ToArray();
        var documents = utterances.Select(u => new EvalDocument(u.Id + "#0", u.Text)).ToArray();
        var labels = utterances.Select(u => u.Intent == intent ? 1f : 0f).ToArray();
        var query = new EvalQuery(intent, description, Samples.Clinc150.Instruction, [.. Enumerable.Range(0, documents.Length)], labels);
        var dataset = new EvalDataset("clinc-slice", documents, [query]);
        var embeddings = await DatasetEmbedder.EmbedAsync(_clinc.Embedder, dataset);
        var evaluated = await new EvaluationRunner(_ => data.GoldJudge(), new EvaluationOptions { IncludeRerank = false }).RunAsync(dataset, embeddings);
        var row = Assert.Single(evaluated.Queries);

        using var store = _clinc.Reopen();
        var searched = await new RefinedSearch(store, _clinc.Embedder, data.GoldJudge()).SearchAsync("clinc", description, 10);
        var plain = await new RefinedSearch(store, _clinc.Embedder, data.GoldJudge()).SearchAsync("clinc", description, 10, new() { Refine = false });

        Assert.True(row.Refined && searched.Diagnostics.Refined);
        Assert.Equal(row.TopAfter.Select(d => documents[d].Id), searched.Hits.Select(h => h.Id));
        Assert.Equal(row.TopBefore.Select(d => documents[d].Id), plain.Hits.Select(h => h.Id));
        Assert.Equal(row.Loss.Count - 1, searched.Diagnostics.Loss.Count);
    }
}
