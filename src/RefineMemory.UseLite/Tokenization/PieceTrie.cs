namespace RefineMemory.UseLite.Tokenization;

/// <summary>
/// A prefix tree over vocabulary pieces, keyed by code point (a lone surrogate counts as one symbol, as in
/// JavaScript's string iterator). Nodes are integers; edges live in one dictionary, so lookups do not allocate.
/// </summary>
internal sealed class PieceTrie
{
    private readonly Dictionary<long, int> _edges = new();
    private readonly List<int> _pieceIndex = [-1];
    private readonly List<double> _pieceScore = [0];

    public int NodeCount => _pieceIndex.Count;

    /// <summary>Adds a piece; a later piece with the same symbols replaces the earlier one (as the reference does).</summary>
    public void Insert(ReadOnlySpan<int> symbols, double score, int index)
    {
        int node = 0;
        foreach (int symbol in symbols)
        {
            long key = Key(node, symbol);
            if (!_edges.TryGetValue(key, out int child))
            {
                child = _pieceIndex.Count;
                _pieceIndex.Add(-1);
                _pieceScore.Add(0);
                _edges.Add(key, child);
            }

            node = child;
        }

        if (node != 0)
        {
            _pieceIndex[node] = index;
            _pieceScore[node] = score;
        }
    }

    /// <summary>The child of <paramref name="node"/> along <paramref name="symbol"/>, or -1.</summary>
    public int Child(int node, int symbol) => _edges.TryGetValue(Key(node, symbol), out int child) ? child : -1;

    /// <summary>The vocabulary index of the piece ending at <paramref name="node"/>, or -1 if none ends there.</summary>
    public int PieceIndex(int node) => _pieceIndex[node];

    public double PieceScore(int node) => _pieceScore[node];

    private static long Key(int node, int symbol) => ((long)node << 32) | (uint)symbol;
}
