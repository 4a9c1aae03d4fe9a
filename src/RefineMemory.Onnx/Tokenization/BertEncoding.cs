namespace RefineMemory.Onnx.Tokenization;

/// <summary>Token ids with [CLS]/[SEP] added, and their segment (token type) ids: 0 for the first text, 1 for the second.</summary>
public sealed class BertEncoding
{
    /// <summary>Pairs <paramref name="ids"/> with their <paramref name="typeIds"/> (same length).</summary>
    public BertEncoding(int[] ids, int[] typeIds)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(typeIds);
        if (ids.Length != typeIds.Length)
        {
            throw new ArgumentException("ids and typeIds must have the same length.", nameof(typeIds));
        }

        Ids = ids;
        TypeIds = typeIds;
    }

    /// <summary>The token ids, [CLS] first.</summary>
    public int[] Ids { get; }

    /// <summary>The segment id of each token.</summary>
    public int[] TypeIds { get; }

    /// <summary>Number of tokens.</summary>
    public int Length => Ids.Length;
}
