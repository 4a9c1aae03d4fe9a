using RefineMemory.Retrieve;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.Tests.Retrieve;

/// <summary>Ranks before refinement, read from the one pass's snapshot, must be those of the exact float32 ranking.</summary>
public sealed class ScoreSnapshotTests
{
    private const int D = 48;

    [Theory]
    [InlineData(ScanQuantization.Int8, false)]
    [InlineData(ScanQuantization.Int8, true)]
    [InlineData(ScanQuantization.None, false)]
    [InlineData(ScanQuantization.None, true)]
    public void Located_ranks_equal_the_exact_ranking(ScanQuantization quantization, bool filtered)
    {
        var (index, data) = Build(quantization, 20_000);
        Func<string, bool>? filter = filtered ? id => id.Length % 2 == 0 : null;
        float[] q = data.Take(1);
        var snapshot = ScoreSnapshot.Compute(index, q, filter, 20, exact: false);
        Assert.Equal(quantization == ScanQuantization.None, snapshot.Exact);

        // Ids near the top (where scores crowd), in the middle, at the bottom, one filtered out and one unknown.
        var (ids, exactScores) = index.ScoreAll(q);
        int[] order = [.. Enumerable.Range(0, ids.Length).Where(i => filter is null || filter(ids[i]))
            .OrderByDescending(i => exactScores[i]).ThenBy(i => i)];
        int[] positions = [0, 1, 2, 7, 19, 20, 150, order.Length / 2, order.Length - 1];
        var wanted = positions.Select(p => ids[order[p]]).ToList();
        wanted.Add("unknown");
        if (filtered)
        {
            wanted.Add(ids.First(id => !filter!(id)));
        }

        var located = snapshot.Locate(wanted);
        for (int p = 0; p < positions.Length; p++)
        {
            Assert.Equal((exactScores[order[positions[p]]], positions[p] + 1), located[p]);
        }

        Assert.All(located.Skip(positions.Length), l => Assert.Equal(0, l.Rank));
        Assert.Equal(order.Length, snapshot.EligibleCount);
        Assert.Equal(1, snapshot.Passes);
        Assert.Equal(index.Search(q, 20, filter), snapshot.Top);
    }

    [Fact]
    public void A_change_to_the_index_after_the_pass_ranks_against_what_it_holds_now()
    {
        var (index, data) = Build(ScanQuantization.Int8, 5_000);
        float[] q = data.Take(1);
        var snapshot = ScoreSnapshot.Compute(index, q, null, 10, exact: false);
        string best = snapshot.Top[0].Id;
        index.Upsert("newcomer", q);

        var located = snapshot.Locate([best, "newcomer"]);
        Assert.Equal(2, located[0].Rank);
        Assert.Equal(1, located[1].Rank);
        Assert.Equal(2, snapshot.Passes);
    }

    private static (ExactVectorIndex Index, ClusteredVectors Data) Build(ScanQuantization quantization, int n)
    {
        var data = new ClusteredVectors(D, 30, seed: 21);
        var index = new ExactVectorIndex(D, new ExactVectorIndexOptions { Quantization = quantization, MinFloatsPerThread = 100_000 });
        var v = new float[D];
        for (int i = 0; i < n; i++)
        {
            data.Next(v);
            index.Upsert($"c{i}", v);
        }

        return (index, data);
    }
}
