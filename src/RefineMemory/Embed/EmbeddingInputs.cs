namespace RefineMemory.Embed;

/// <summary>The argument checks every embedding generator of ours applies to its input texts.</summary>
public static class EmbeddingInputs
{
    /// <summary>
    /// Materialises <paramref name="values"/>, rejecting an empty list and null texts with a message that says which;
    /// the empty string is valid input.
    /// </summary>
    public static string[] ToCheckedArray(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] texts = [.. values];
        if (texts.Length == 0)
        {
            throw new ArgumentException("no texts to embed: the list is empty.", nameof(values));
        }

        for (int i = 0; i < texts.Length; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"text {i} is null (use \"\" for an empty text).", nameof(values));
            }
        }

        return texts;
    }
}
