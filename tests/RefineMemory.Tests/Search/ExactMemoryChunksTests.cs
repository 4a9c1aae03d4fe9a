using Microsoft.Extensions.VectorData;
using RefineMemory.Memory;
using RefineMemory.Retrieve;
using RefineMemory.Search;

namespace RefineMemory.Tests.Search;

public sealed class ExactMemoryChunksTests
{
    private static ExactMemoryChunks Chunks()
    {
        var index = new ExactVectorIndex(2);
        var records = new Dictionary<string, MemoryRecord>();
        for (int i = 0; i < 6; i++)
        {
            string id = MemoryRecord.ChunkId("d" + i, 0);
            records[id] = new MemoryRecord(id, "d" + i, 0, "text " + (i % 2), null, new Dictionary<string, string> { ["shelf"] = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            index.Upsert(id, [1f, i / 10f]);
        }

        return new ExactMemoryChunks("c", index, id => records.GetValueOrDefault(id));
    }

    private static async Task<string[]> IdsAsync(System.Linq.Expressions.Expression<Func<MemoryRecord, bool>> filter) =>
        [.. (await Chunks().SearchAsync(new ReadOnlyMemory<float>([1f, 0f]), 6, new VectorSearchOptions<MemoryRecord> { Filter = filter }).ToListAsync()).Select(r => r.Record.Id).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Tag_filters_and_any_other_expression_select_the_same_chunks_as_the_predicate_says()
    {
        Assert.Equal(["d1#0", "d4#0"], await IdsAsync(MemoryRecord.TagFilter(new Dictionary<string, string> { ["shelf"] = "1" })!));
        Assert.Equal(["d1#0", "d3#0", "d5#0"], await IdsAsync(r => r.Text == "text 1"));
        Assert.Equal(["d4#0"], await IdsAsync(r => r.HasTag("shelf", "1") && r.Text == "text 0"));
        Assert.Empty(await IdsAsync(r => r.HasTag("shelf", "0") && r.HasTag("shelf", "1")));
    }
}
