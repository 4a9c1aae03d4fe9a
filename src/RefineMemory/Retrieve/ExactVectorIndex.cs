using System.Numerics.Tensors;

namespace RefineMemory.Retrieve;

/// <summary>
/// An exact (brute-force) cosine-similarity index held in memory. Vectors are L2-normalised once on
/// insert and stored contiguously, so a query costs one pass of dot products over the whole collection,
/// split across cores for large collections. Safe for concurrent readers with one writer at a time.
/// </summary>
public sealed class ExactVectorIndex
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> _slotById = new(StringComparer.Ordinal);
    private readonly ExactVectorIndexOptions _options;
    private float[] _data;
    private string[] _ids;
    private int _count;

    public ExactVectorIndex(int dimension, ExactVectorIndexOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        _options = options ?? new ExactVectorIndexOptions();
        int capacity = Math.Max(16, _options.InitialCapacity);
        _data = new float[(long)capacity * dimension];
        _ids = new string[capacity];
    }

    /// <summary>The length every stored and query vector must have.</summary>
    public int Dimension { get; }

    /// <summary>The number of stored vectors.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Adds a vector, or replaces the one stored under <paramref name="id"/>.</summary>
    /// <exception cref="DimensionMismatchException">The vector's length is not <see cref="Dimension"/>.</exception>
    /// <exception cref="ArgumentException">The vector is zero or holds a NaN or infinity.</exception>
    public void Upsert(string id, ReadOnlySpan<float> vector)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Guard.Dimension(vector, Dimension, $"vector '{id}'");
        Guard.Finite(vector, $"vector '{id}'");
        Guard.NonZero(vector, $"vector '{id}'");

        _lock.EnterWriteLock();
        try
        {
            if (!_slotById.TryGetValue(id, out int slot))
            {
                EnsureCapacity(_count + 1);
                slot = _count++;
                _slotById[id] = slot;
                _ids[slot] = id;
            }

            Span<float> row = Row(slot);
            float norm = TensorPrimitives.Norm(vector);
            TensorPrimitives.Divide(vector, norm, row);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes the vector stored under <paramref name="id"/>; returns false if there was none.</summary>
    public bool Remove(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _lock.EnterWriteLock();
        try
        {
            if (!_slotById.Remove(id, out int slot))
            {
                return false;
            }

            // Keep storage dense: move the last row into the freed slot.
            int last = --_count;
            if (slot != last)
            {
                Row(last).CopyTo(Row(slot));
                _ids[slot] = _ids[last];
                _slotById[_ids[slot]] = slot;
            }

            _ids[last] = null!;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Whether a vector is stored under <paramref name="id"/>.</summary>
    public bool Contains(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _lock.EnterReadLock();
        try { return _slotById.ContainsKey(id); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// Returns the <paramref name="top"/> stored vectors most similar to <paramref name="query"/> by cosine,
    /// best first. <paramref name="filter"/>, when given, keeps only the ids it accepts.
    /// </summary>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int top, Func<string, bool>? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        float[] q = NormalisedQuery(query);

        _lock.EnterReadLock();
        try
        {
            int n = _count;
            if (n == 0)
            {
                return [];
            }

            int k = Math.Min(top, n);
            var heap = ScanTopK(q, n, k, filter);
            var sorted = heap.ToSortedArray();
            var hits = new SearchHit[sorted.Length];
            for (int i = 0; i < sorted.Length; i++)
            {
                hits[i] = new SearchHit(_ids[sorted[i].Slot], sorted[i].Score);
            }

            return hits;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Scores every stored vector against <paramref name="query"/> and returns ids and cosines in storage
    /// order (a consistent snapshot). Used to rank a whole pool, e.g. for evaluation metrics.
    /// </summary>
    public (string[] Ids, float[] Scores) ScoreAll(ReadOnlySpan<float> query)
    {
        float[] q = NormalisedQuery(query);
        _lock.EnterReadLock();
        try
        {
            int n = _count;
            var ids = new string[n];
            var scores = new float[n];
            Array.Copy(_ids, ids, n);
            DotProductKernel.Score(_data.AsSpan(0, n * Dimension), q, scores);

            return (ids, scores);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Copies the stored (normalised) vectors of <paramref name="ids"/> into <paramref name="destination"/>,
    /// row-major, one row of <see cref="Dimension"/> floats per id.
    /// </summary>
    /// <exception cref="KeyNotFoundException">An id is not in the index.</exception>
    public void CopyVectors(IReadOnlyList<string> ids, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (destination.Length != ids.Count * Dimension)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats; {ids.Count} ids x {Dimension} need {ids.Count * Dimension}.", nameof(destination));
        }

        _lock.EnterReadLock();
        try
        {
            for (int i = 0; i < ids.Count; i++)
            {
                if (!_slotById.TryGetValue(ids[i], out int slot))
                {
                    throw new KeyNotFoundException($"No vector is stored under id '{ids[i]}'.");
                }

                Row(slot).CopyTo(destination.Slice(i * Dimension, Dimension));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Returns a copy of the stored (normalised) vector of <paramref name="id"/>.</summary>
    public float[] GetVector(string id)
    {
        var vector = new float[Dimension];
        CopyVectors([id], vector);
        return vector;
    }

    private float[] NormalisedQuery(ReadOnlySpan<float> query)
    {
        Guard.Dimension(query, Dimension, "query vector");
        Guard.Finite(query, "query vector");
        Guard.NonZero(query, "query vector");
        var q = new float[Dimension];
        TensorPrimitives.Divide(query, TensorPrimitives.Norm(query), q);
        return q;
    }

    private TopKHeap ScanTopK(float[] q, int n, int k, Func<string, bool>? filter)
    {
        int d = Dimension;
        long work = (long)n * d;
        int threads = Math.Min(_options.MaxDegreeOfParallelism ?? Environment.ProcessorCount, (int)Math.Max(1, work / _options.MinFloatsPerThread));
        if (threads <= 1)
        {
            var heap = new TopKHeap(k);
            ScanRange(q, 0, n, ref heap, filter);
            return heap;
        }

        var partial = new TopKHeap[threads];
        int chunk = (n + threads - 1) / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var local = new TopKHeap(k);
            int start = t * chunk;
            int end = Math.Min(n, start + chunk);
            if (start < end)
            {
                ScanRange(q, start, end, ref local, filter);
            }

            partial[t] = local;
        });

        var merged = new TopKHeap(k);
        foreach (var h in partial)
        {
            foreach (var (score, slot) in h.ToSortedArray())
            {
                merged.Offer(score, slot);
            }
        }

        return merged;
    }

    private void ScanRange(float[] q, int start, int end, ref TopKHeap heap, Func<string, bool>? filter)
    {
        // Score a block of rows at a time into a small stack buffer, then offer them to the heap.
        const int Block = 256;
        int d = Dimension;
        Span<float> scores = stackalloc float[Block];
        ReadOnlySpan<float> data = _data;
        for (int blockStart = start; blockStart < end; blockStart += Block)
        {
            int rows = Math.Min(Block, end - blockStart);
            Span<float> blockScores = scores[..rows];
            DotProductKernel.Score(data.Slice(blockStart * d, rows * d), q, blockScores);
            for (int r = 0; r < rows; r++)
            {
                float score = blockScores[r];
                if (score >= heap.Threshold && (filter is null || filter(_ids[blockStart + r])))
                {
                    heap.Offer(score, blockStart + r);
                }
            }
        }
    }

    private Span<float> Row(int slot) => _data.AsSpan(slot * Dimension, Dimension);

    private void EnsureCapacity(int needed)
    {
        if (needed <= _ids.Length)
        {
            return;
        }

        int capacity = Math.Max(needed, _ids.Length * 2);
        if ((long)capacity * Dimension > Array.MaxLength)
        {
            capacity = (int)(Array.MaxLength / Dimension);
            if (capacity < needed)
            {
                throw new InvalidOperationException($"The index cannot hold more than {capacity} vectors of dimension {Dimension} in one array.");
            }
        }

        Array.Resize(ref _data, capacity * Dimension);
        Array.Resize(ref _ids, capacity);
    }
}
