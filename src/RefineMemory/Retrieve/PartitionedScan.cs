namespace RefineMemory.Retrieve;

/// <summary>
/// One pass over stored rows keeping the k best: the rows are cut into chunks that pool workers claim one at a
/// time (so a core slowed by other work simply takes fewer chunks), each worker keeps its own top-k heap, and
/// the heaps are merged at the end. Rows are scored a block at a time into a stack buffer. No thread is
/// created: the workers are the calling thread and thread-pool threads lent by <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>.
/// </summary>
internal static class PartitionedScan
{
    private const int BlockRows = 256;

    /// <summary>Chunks per worker: enough to even out cores that run at different speeds.</summary>
    private const int ChunksPerWorker = 8;

    /// <summary>
    /// Scans rows <c>0 .. rowCount - 1</c> with up to <paramref name="workers"/> workers and returns the
    /// <paramref name="k"/> best that <paramref name="accept"/> keeps (null: all). With <paramref name="allScores"/>,
    /// every row's score is also written there, NaN for a row <paramref name="accept"/> rejects (every row is then
    /// put to <paramref name="accept"/>; otherwise only rows good enough to enter the heap are).
    /// </summary>
    public static TopKHeap TopK<TScorer>(TScorer scorer, int rowCount, int k, int workers, Func<int, bool>? accept, float[]? allScores)
        where TScorer : struct, IRowScorer
    {
        int chunkRows = Math.Max(BlockRows, (rowCount + (workers * ChunksPerWorker) - 1) / (workers * ChunksPerWorker));
        int chunks = (rowCount + chunkRows - 1) / chunkRows;
        workers = Math.Min(workers, chunks);
        if (workers <= 1)
        {
            var heap = new TopKHeap(k);
            ScanRows(scorer, 0, rowCount, ref heap, accept, allScores);
            return heap;
        }

        var partial = new TopKHeap[workers];
        int nextChunk = -1;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var local = new TopKHeap(k);
            int chunk;
            while ((chunk = Interlocked.Increment(ref nextChunk)) < chunks)
            {
                int start = chunk * chunkRows;
                ScanRows(scorer, start, Math.Min(rowCount, start + chunkRows), ref local, accept, allScores);
            }

            partial[w] = local;
        });

        var merged = new TopKHeap(k);
        foreach (var heap in partial)
        {
            merged.OfferAll(heap);
        }

        return merged;
    }

    private static void ScanRows<TScorer>(TScorer scorer, int start, int end, ref TopKHeap heap, Func<int, bool>? accept, float[]? allScores)
        where TScorer : struct, IRowScorer
    {
        Span<float> buffer = stackalloc float[BlockRows];
        for (int blockStart = start; blockStart < end; blockStart += BlockRows)
        {
            int rows = Math.Min(BlockRows, end - blockStart);
            Span<float> scores = buffer[..rows];
            scorer.Score(blockStart, scores);
            if (allScores is not null)
            {
                Keep(scores, blockStart, ref heap, accept, allScores);
                continue;
            }

            for (int r = 0; r < rows; r++)
            {
                float score = scores[r];
                if (score >= heap.Threshold && (accept is null || accept(blockStart + r)))
                {
                    heap.Offer(score, blockStart + r);
                }
            }
        }
    }

    private static void Keep(Span<float> scores, int blockStart, ref TopKHeap heap, Func<int, bool>? accept, float[] allScores)
    {
        for (int r = 0; r < scores.Length; r++)
        {
            if (accept is not null && !accept(blockStart + r))
            {
                scores[r] = float.NaN;
                continue;
            }

            if (scores[r] >= heap.Threshold)
            {
                heap.Offer(scores[r], blockStart + r);
            }
        }

        scores.CopyTo(allScores.AsSpan(blockStart));
    }
}
