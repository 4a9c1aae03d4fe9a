using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Tests.Support;
using RefineMemory.Testing;

namespace RefineMemory.Evaluation.Tests;

public sealed class RealDatasetLoaderTests
{
    [Fact]
    public void ArgKp21_train_and_dev_count_as_the_paper_says()
    {
        var set = SharedSets.ArgKp21;
        Assert.Equal(243, set.Queries.Count);
        Assert.Equal(24_093, set.PairCount);
        Assert.Equal(4_998, set.PositiveCount); // 20.7 %
        Assert.All(set.Queries, q => Assert.Equal(TaskInstructions.ArgKp21, q.Instruction));
        var first = set.Queries[0];
        Assert.Equal("kp_0_0", first.Id);
        Assert.Equal("Assisted suicide gives dignity to the person that wants to commit it", first.Text);
    }

    [Fact]
    public void ArgKp21_test_split_is_separate()
    {
        var set = ArgKp21Loader.Load(RepoPaths.RequireShared("datasets/argkp21"), ["test"]);
        Assert.Equal(33, set.Queries.Count);
        Assert.Equal(3_426, set.PairCount);
        Assert.Equal(552, set.PositiveCount);
        Assert.Empty(set.Queries.Select(q => q.Text).Intersect(SharedSets.ArgKp21.Queries.Select(q => q.Text)));
    }

    [Fact]
    public void Clinc150_has_150_queries_over_15000_utterances_with_100_positives_each()
    {
        var set = SharedSets.Clinc150;
        Assert.Equal(150, set.Queries.Count);
        Assert.Equal(15_000, set.Documents.Count);
        Assert.All(set.Queries, q =>
        {
            Assert.Equal(15_000, q.Pool.Count);
            Assert.Equal(100, q.PositiveCount);
            Assert.Equal(TaskInstructions.Clinc150, q.Instruction);
        });
        var alarm = set.Queries.Single(q => q.Id == "alarm");
        Assert.StartsWith("Requests to set or schedule an alarm", alarm.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(set.Queries, q => q.Id == "oos");
    }

    [Fact]
    public void Clinc150_validation_split_has_20_positives_per_intent()
    {
        var set = Clinc150Loader.Load(RepoPaths.RequireShared("datasets/clinc150"), "val");
        Assert.Equal(150, set.Queries.Count);
        Assert.Equal(3_000, set.Documents.Count);
        Assert.All(set.Queries, q => Assert.Equal(20, q.PositiveCount));
    }

    [Fact]
    public void Cranfield_pools_are_the_collection_with_graded_labels_and_duplicate_texts_kept_once()
    {
        var set = CranfieldLoader.Load(RepoPaths.RequireShared("datasets/cranfield"));
        Assert.Equal(225, set.Queries.Count);
        Assert.Equal(1_400, set.Documents.Count);
        Assert.All(set.Queries, q => Assert.Equal(1_399, q.Pool.Count)); // one abstract is a verbatim duplicate
        Assert.Equal(1_836, set.PositiveCount);
        Assert.Equal(4f, set.Queries.SelectMany(q => q.Labels).Max());
    }

    [Fact]
    public void Catalog_resolves_built_in_names_and_says_which_folder_is_missing()
    {
        Assert.Equal(243, DatasetCatalog.Load("argkp21", RepoPaths.Shared).Queries.Count);
        var ex = Assert.Throws<DirectoryNotFoundException>(() => DatasetCatalog.Load("clinc150", "/nonexistent/shared"));
        Assert.Contains("/nonexistent/shared/datasets/clinc150", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => DatasetCatalog.Load("no-such-set", RepoPaths.Shared));
    }
}
