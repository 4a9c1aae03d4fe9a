using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RefineMemory.Retrieve;

namespace RefineMemory.Search;

/// <summary>
/// Every chunk's score against the original query, from the same pass that found the original ranking, kept
/// to give each final result the rank it had before refinement. When that pass read the 8-bit copy the scores
/// are approximate with known bounds: a chunk whose bound settles the comparison is counted from the snapshot,
/// and only the few within their bound of a located chunk are scored exactly, so the ranks are those of the
/// exact float32 ranking without a second pass.
/// </summary>
internal sealed class ScoreSnapshot
{
    private readonly ExactVectorIndex _index;
    private readonly float[] _query;
    private readonly Func<string, bool>? _filter;
    private readonly IndexScan _scan;

    private ScoreSnapshot(ExactVectorIndex index, float[] query, Func<string, bool>? filter, IndexScan scan)
    {
        _index = index;
        _query = query;
        _filter = filter;
        _scan = scan;
        foreach (float score in scan.Scores)
        {
            EligibleCount += float.IsNaN(score) ? 0 : 1;
        }
    }

    /// <summary>Chunk ids in storage order (the index's tie order).</summary>
    public string[] Ids => _scan.Ids;

    /// <summary>Each chunk's score (approximate when <see cref="Exact"/> is false); NaN where the filter rejects it.</summary>
    public float[] Scores => _scan.Scores;

    /// <summary>Whether <see cref="Scores"/> are the exact float32 cosines.</summary>
    public bool Exact => _scan.Bounds is null;

    /// <summary>The best chunks of the pass, exact cosines, best first.</summary>
    public SearchHit[] Top => _scan.Top;

    /// <summary>Chunks that passed the filter.</summary>
    public int EligibleCount { get; }

    /// <summary>Full passes over the stored vectors this snapshot has cost (1, or 2 if the index changed before <see cref="Locate"/>).</summary>
    public int Passes { get; private set; } = 1;

    /// <summary>One pass over the index: the best <paramref name="top"/> and every chunk's score.</summary>
    public static ScoreSnapshot Compute(ExactVectorIndex index, float[] query, Func<string, bool>? filter, int top, bool exact) =>
        new(index, query, filter, index.Scan(index.NormalisedQuery(query), top, filter, exact));

    /// <summary>
    /// For each of <paramref name="ids"/>: its exact cosine and its 1-based rank among eligible chunks (higher
    /// cosine first, ties by storage order), or <c>(NaN, 0)</c> for an id the snapshot does not hold.
    /// </summary>
    public (float Score, int Rank)[] Locate(IReadOnlyList<string> ids)
    {
        var slot = FindSlots(ids);
        var score = new float[ids.Count];
        if (!ExactScores(slot, score))
        {
            // The index changed since the pass: rank against what it holds now.
            var fresh = Compute(_index, _query, _filter, 1, exact: true);
            Passes += fresh.Passes;
            return fresh.Locate(ids);
        }

        var before = new int[ids.Count];
        var undecided = new List<(int Id, int Slot)>();
        for (int k = 0; k < score.Length; k++)
        {
            if (slot[k] >= 0)
            {
                before[k] = CountAbove(Scores, _scan.Bounds, score[k], k, undecided);
            }
        }

        if (!Settle(undecided, score, slot, before))
        {
            var fresh = Compute(_index, _query, _filter, 1, exact: true);
            Passes += fresh.Passes;
            return fresh.Locate(ids);
        }

        var result = new (float, int)[ids.Count];
        for (int k = 0; k < ids.Count; k++)
        {
            result[k] = slot[k] < 0 ? (float.NaN, 0) : (score[k], before[k] + 1);
        }

        return result;
    }

    /// <summary>
    /// Counts the chunks certainly above <paramref name="s"/> (approximate score minus bound above it; NaN, the
    /// filtered-out chunks, never is) and lists those within their bound of it as undecided, eight chunks per
    /// step. With exact scores the bound is 0 and only chunks tied with <paramref name="s"/> are undecided
    /// (storage order breaks the tie in <see cref="Settle"/>).
    /// </summary>
    private static int CountAbove(float[] scores, float[]? bounds, float s, int id, List<(int Id, int Slot)> undecided)
    {
        int above = 0;
        int i = 0;
        var target = Vector256.Create(s);
        for (; i + Vector256<float>.Count <= scores.Length; i += Vector256<float>.Count)
        {
            var t = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(scores), (nuint)i);
            var b = bounds is null ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(bounds), (nuint)i);
            var certain = Vector256.GreaterThan(t - b, target);
            above += BitOperations.PopCount(certain.ExtractMostSignificantBits());
            uint near = Vector256.AndNot(Vector256.GreaterThanOrEqual(t + b, target), certain).ExtractMostSignificantBits();
            for (; near != 0; near &= near - 1)
            {
                undecided.Add((id, i + BitOperations.TrailingZeroCount(near)));
            }
        }

        for (; i < scores.Length; i++)
        {
            float t = scores[i];
            float b = bounds is null ? 0f : bounds[i];
            if (t - b > s)
            {
                above++;
            }
            else if (t + b >= s)
            {
                undecided.Add((id, i));
            }
        }

        return above;
    }

    private static bool Above(float t, int i, float s, int slot) => t > s || (t == s && i < slot);

    /// <summary>Scores the undecided chunks exactly (each once) and counts those ranked above.</summary>
    private bool Settle(List<(int Id, int Slot)> undecided, float[] score, int[] slot, int[] before)
    {
        if (undecided.Count == 0)
        {
            return true;
        }

        int[] rows = undecided.Select(u => u.Slot).Distinct().ToArray();
        var exact = new float[rows.Length];
        if (!TryScoreExactly(rows, exact))
        {
            return false;
        }

        var exactBySlot = new Dictionary<int, float>(rows.Length);
        for (int r = 0; r < rows.Length; r++)
        {
            exactBySlot[rows[r]] = exact[r];
        }

        foreach (var (k, i) in undecided)
        {
            before[k] += Above(exactBySlot[i], i, score[k], slot[k]) ? 1 : 0;
        }

        return true;
    }

    /// <summary>
    /// Exact cosines of the chunks at <paramref name="rows"/>: the snapshot's own scores when the pass was exact
    /// (with exact scores only ties are ever undecided), else scored anew; false when the index has changed since.
    /// </summary>
    private bool TryScoreExactly(int[] rows, float[] exact)
    {
        if (!Exact)
        {
            return _scan.TryScoreExactly(rows, exact);
        }

        for (int r = 0; r < rows.Length; r++)
        {
            exact[r] = Scores[rows[r]];
        }

        return true;
    }

    private bool ExactScores(int[] slot, float[] score)
    {
        int[] found = slot.Where(s => s >= 0).ToArray();
        var exact = new float[found.Length];
        if (!TryScoreExactly(found, exact))
        {
            return false;
        }

        for (int k = 0, f = 0; k < slot.Length; k++)
        {
            score[k] = slot[k] < 0 ? float.NaN : exact[f++];
        }

        return true;
    }

    /// <summary>
    /// Storage positions of <paramref name="ids"/> among eligible chunks (-1 where absent). While the index is
    /// unchanged its own id map answers; otherwise the snapshot's ids are searched (ids from the same index are
    /// the same string instances, so a reference lookup usually finds them; anything else is looked up by value).
    /// </summary>
    private int[] FindSlots(IReadOnlyList<string> ids)
    {
        var slot = new int[ids.Count];
        if (_scan.TryFindSlots(ids, slot))
        {
            for (int k = 0; k < slot.Length; k++)
            {
                if (slot[k] >= Scores.Length || (slot[k] >= 0 && float.IsNaN(Scores[slot[k]])))
                {
                    slot[k] = -1;
                }
            }

            return slot;
        }

        Array.Fill(slot, -1);
        FindSlots(ids, slot, new Dictionary<string, int>(ids.Count, ReferenceEqualityComparer.Instance));
        if (slot.Contains(-1))
        {
            FindSlots(ids, slot, new Dictionary<string, int>(ids.Count, StringComparer.Ordinal));
        }

        return slot;
    }

    private void FindSlots(IReadOnlyList<string> ids, int[] slot, Dictionary<string, int> wanted)
    {
        for (int k = 0; k < ids.Count; k++)
        {
            if (slot[k] < 0)
            {
                wanted[ids[k]] = k;
            }
        }

        for (int i = 0; i < Ids.Length && wanted.Count > 0; i++)
        {
            if (!float.IsNaN(Scores[i]) && wanted.Remove(Ids[i], out int k))
            {
                slot[k] = i;
            }
        }
    }
}
