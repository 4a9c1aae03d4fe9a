namespace RefineMemory.Onnx.Tokenization;

/// <summary>Token ids with [CLS]/[SEP] added, and their segment (token type) ids: 0 for the first text, 1 for the second.</summary>
public sealed class BertEncoding
{
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

    public int[] Ids { get; }

    public int[] TypeIds { get; }

    public int Length => Ids.Length;
}
