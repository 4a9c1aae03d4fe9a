namespace RefineMemory.Retrieve;

/// <summary>
/// Keeps the k best (score, slot) pairs seen so far in a binary min-heap, so the worst kept item is
/// evicted in O(log k). Ties are broken towards the lower slot so that results are deterministic.
/// </summary>
internal struct TopKHeap
{
    private readonly float[] _scores;
    private readonly int[] _slots;
    private int _count;

    public TopKHeap(int k)
    {
        _scores = new float[k];
        _slots = new int[k];
        _count = 0;
    }

    public readonly int Count => _count;

    public readonly int Capacity => _scores.Length;

    /// <summary>The score an item must beat to enter a full heap.</summary>
    public readonly float Threshold => _count < _scores.Length ? float.NegativeInfinity : _scores[0];

    public void Offer(float score, int slot)
    {
        if (_count < _scores.Length)
        {
            int i = _count++;
            _scores[i] = score;
            _slots[i] = slot;
            SiftUp(i);
        }
        else if (Better(score, slot, _scores[0], _slots[0]))
        {
            _scores[0] = score;
            _slots[0] = slot;
            SiftDown(0);
        }
    }

    /// <summary>Offers every item kept by <paramref name="other"/> (merging per-partition heaps).</summary>
    public void OfferAll(in TopKHeap other)
    {
        for (int i = 0; i < other._count; i++)
        {
            Offer(other._scores[i], other._slots[i]);
        }
    }

    /// <summary>Copies the kept items out, best first.</summary>
    public readonly (float Score, int Slot)[] ToSortedArray()
    {
        var items = new (float Score, int Slot)[_count];
        for (int i = 0; i < _count; i++)
        {
            items[i] = (_scores[i], _slots[i]);
        }

        Array.Sort(items, static (a, b) => Better(a.Score, a.Slot, b.Score, b.Slot) ? -1 : Better(b.Score, b.Slot, a.Score, a.Slot) ? 1 : 0);
        return items;
    }

    private static bool Better(float s1, int slot1, float s2, int slot2) => s1 > s2 || (s1 == s2 && slot1 < slot2);

    private readonly void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Better(_scores[parent], _slots[parent], _scores[i], _slots[i]))
            {
                break;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private readonly void SiftDown(int i)
    {
        while (true)
        {
            int left = (2 * i) + 1;
            if (left >= _count)
            {
                break;
            }

            int worst = left;
            int right = left + 1;
            if (right < _count && Better(_scores[left], _slots[left], _scores[right], _slots[right]))
            {
                worst = right;
            }

            if (!Better(_scores[i], _slots[i], _scores[worst], _slots[worst]))
            {
                break;
            }

            Swap(i, worst);
            i = worst;
        }
    }

    private readonly void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
    }
}
