using System.Numerics.Tensors;

namespace RefineMemory.Retrieve;

/// <summary>
/// An exact (brute-force) cosine-similarity index held in memory. Vectors are L2-normalised once on
/// insert and stored contiguously, so a query costs one pass of dot products over the whole collection,
/// split across cores for large collections. By default the pass reads an 8-bit copy (a quarter of the bytes)
/// and re-ranks the best candidates exactly (<see cref="ExactVectorIndexOptions.Quantization"/>).
/// Safe for concurrent readers with one writer at a time.
/// </summary>
public sealed class ExactVectorIndex
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> _slotById = new(StringComparer.Ordinal);
    private readonly ExactVectorIndexOptions _options;
    private float[] _data;
    private string[] _ids;
    private sbyte[]? _codes;
    private float[]? _codeScales;

    // The largest 8-bit scale ever stored: an upper bound on every row's (a removal leaves it as it is, which only
    // makes the exactness check of an 8-bit search more cautious).
    private float _maxCodeScale;
    private int _count;
    private long _version;

    /// <summary>An empty index of vectors of <paramref name="dimension"/>.</summary>
    public ExactVectorIndex(int dimension, ExactVectorIndexOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        _options = Validated(options ?? new ExactVectorIndexOptions());
        int capacity = Math.Max(16, _options.InitialCapacity);
        _data = new float[(long)capacity * dimension];
        _ids = new string[capacity];
        if (_options.Quantization == ScanQuantization.Int8)
        {
            _codes = new sbyte[(long)capacity * dimension];
            _codeScales = new float[capacity];
        }
    }

    /// <summary>A checked copy, so that options changed after construction (unchecked) cannot reach a search.</summary>
    private static ExactVectorIndexOptions Validated(ExactVectorIndexOptions options)
    {
        if (options.MaxDegreeOfParallelism is { } dop)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dop, 1, "options.MaxDegreeOfParallelism");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Oversampling, 1, "options.Oversampling");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinFloatsPerThread, 1, "options.MinFloatsPerThread");
        if (!Enum.IsDefined(options.Quantization))
        {
            throw new ArgumentOutOfRangeException("options.Quantization", options.Quantization, "Unknown quantization.");
        }

        return new ExactVectorIndexOptions
        {
            InitialCapacity = options.InitialCapacity,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            MinFloatsPerThread = options.MinFloatsPerThread,
            Quantization = options.Quantization,
            Oversampling = options.Oversampling,
        };
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
            if (_codes is not null)
            {
                _codeScales![slot] = ScalarQuantizer.Quantize(row, _codes.AsSpan(slot * Dimension, Dimension));
                _maxCodeScale = Math.Max(_maxCodeScale, _codeScales[slot]);
            }

            _version++;
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
                if (_codes is not null)
                {
                    _codes.AsSpan(last * Dimension, Dimension).CopyTo(_codes.AsSpan(slot * Dimension, Dimension));
                    _codeScales![slot] = _codeScales[last];
                }

                _ids[slot] = _ids[last];
                _slotById[_ids[slot]] = slot;
            }

            _ids[last] = null!;
            _version++;
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
    /// best first, with their exact float32 cosines. <paramref name="filter"/>, when given, keeps only the ids it
    /// accepts. With <see cref="ScanQuantization.Int8"/> the candidates come from the 8-bit copy (see
    /// <see cref="ExactVectorIndexOptions.Quantization"/>).
    /// </summary>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int top, Func<string, bool>? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        float[] q = NormalisedQuery(query);

        _lock.EnterReadLock();
        try
        {
            return _count == 0 ? [] : TopUnderLock(q, top, Accept(filter), allScores: null, exact: false, _options.Oversampling, out _);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// <see cref="Search"/> with this call's own oversampling, or exact (float32 only) for <paramref name="oversampling"/> 0:
    /// for measuring recall against the exact scan on one copy of the data.
    /// </summary>
    internal SearchHit[] SearchWith(ReadOnlySpan<float> query, int top, int oversampling)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(oversampling);
        float[] q = NormalisedQuery(query);
        _lock.EnterReadLock();
        try
        {
            return _count == 0 ? [] : TopUnderLock(q, top, null, allScores: null, exact: oversampling == 0, oversampling, out _);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// One pass that yields both the best <paramref name="top"/> (exact cosines) and every row's score
    /// (approximate, with error bounds, when the 8-bit copy was scanned; NaN where <paramref name="filter"/> rejects).
    /// </summary>
    internal IndexScan Scan(float[] unitQuery, int top, Func<string, bool>? filter, bool exact)
    {
        _lock.EnterReadLock();
        try
        {
            int n = _count;
            var ids = new string[n];
            Array.Copy(_ids, ids, n);
            // Every row's score and bound is written below, so neither array needs zeroing first.
            var scores = GC.AllocateUninitializedArray<float>(n);
            if (n == 0)
            {
                return new IndexScan(this, _version, unitQuery, ids, scores, null, []);
            }

            var hits = TopUnderLock(unitQuery, top, Accept(filter), scores, exact, _options.Oversampling, out var quantized);
            float[]? bounds = null;
            if (quantized is not null)
            {
                bounds = GC.AllocateUninitializedArray<float>(n);
                TensorPrimitives.Multiply(_codeScales.AsSpan(0, n), quantized.ErrorPerRowScale, bounds);
                TensorPrimitives.Add(bounds, quantized.ErrorFloor, bounds);
            }

            return new IndexScan(this, _version, unitQuery, ids, scores, bounds, hits);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Exact float32 cosines of the rows at <paramref name="slots"/>, bit for bit what a full scan gives, provided
    /// the index has not changed since <paramref name="version"/>; false (and nothing written) if it has.
    /// </summary>
    internal bool TryScoreSlots(long version, float[] unitQuery, ReadOnlySpan<int> slots, Span<float> scores)
    {
        _lock.EnterReadLock();
        try
        {
            if (version != _version)
            {
                return false;
            }

            for (int i = 0; i < slots.Length; i++)
            {
                scores[i] = DotProductKernel.ScoreRow(Row(slots[i]), unitQuery);
            }

            return true;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// The storage slot of each of <paramref name="ids"/> (-1 for an id not stored), from the index's own map,
    /// provided the index has not changed since <paramref name="version"/>; false (and nothing written) if it has.
    /// </summary>
    internal bool TryFindSlots(long version, IReadOnlyList<string> ids, Span<int> slots)
    {
        _lock.EnterReadLock();
        try
        {
            if (version != _version)
            {
                return false;
            }

            for (int i = 0; i < ids.Count; i++)
            {
                slots[i] = _slotById.TryGetValue(ids[i], out int slot) ? slot : -1;
            }

            return true;
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
            if (n > 0)
            {
                TopUnderLock(q, 1, null, scores, exact: true, _options.Oversampling, out _);
            }

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

    internal float[] NormalisedQuery(ReadOnlySpan<float> query)
    {
        Guard.Dimension(query, Dimension, "query vector");
        Guard.Finite(query, "query vector");
        Guard.NonZero(query, "query vector");
        var q = new float[Dimension];
        TensorPrimitives.Divide(query, TensorPrimitives.Norm(query), q);
        return q;
    }

    private SearchHit[] TopUnderLock(float[] q, int top, Func<int, bool>? accept, float[]? allScores, bool exact, int oversampling, out QuantizedQuery? quantized)
    {
        int n = _count;
        int k = Math.Min(top, n);
        long work = (long)n * Dimension;
        int workers = (int)Math.Clamp(work / _options.MinFloatsPerThread, 1, _options.MaxDegreeOfParallelism ?? Environment.ProcessorCount);
        int candidates = (int)Math.Min(n, (long)k * oversampling);
        quantized = null;
        TopKHeap best;
        if (_codes is null || exact || (allScores is null && candidates >= n))
        {
            best = PartitionedScan.TopK(new FloatRowScorer(_data, q), n, k, workers, accept, allScores);
        }
        else
        {
            quantized = new QuantizedQuery(q);
            var heap = PartitionedScan.TopK(new Int8RowScorer(_codes, _codeScales!, quantized), n, candidates, workers, accept, allScores);
            best = new TopKHeap(k);
            foreach (var (_, slot) in heap.ToSortedArray())
            {
                best.Offer(DotProductKernel.ScoreRow(Row(slot), q), slot);
            }

            // Every row left out scored at most heap.Threshold in 8 bits, so its exact cosine is at most that plus its
            // error bound. When that could still reach the k-th exact score, the 8-bit pass has not settled the top k
            // (dense or low-dimensional data): a float32 scan does, so the hits are always the exact top k.
            if (heap.Count == candidates && best.Count == k
                && heap.Threshold + quantized.ErrorBound(_maxCodeScale) >= best.Threshold)
            {
                best = PartitionedScan.TopK(new FloatRowScorer(_data, q), n, k, workers, accept, allScores: null);
            }
        }

        var sorted = best.ToSortedArray();
        var hits = new SearchHit[sorted.Length];
        for (int i = 0; i < sorted.Length; i++)
        {
            hits[i] = new SearchHit(_ids[sorted[i].Slot], sorted[i].Score);
        }

        return hits;
    }

    private Func<int, bool>? Accept(Func<string, bool>? filter) => filter is null ? null : slot => filter(_ids[slot]);

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
        if (_codes is not null)
        {
            Array.Resize(ref _codes, capacity * Dimension);
            Array.Resize(ref _codeScales, capacity);
        }
    }
}
