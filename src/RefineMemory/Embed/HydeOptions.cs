namespace RefineMemory.Embed;

/// <summary>Options of <see cref="HydeQueryWriter"/>.</summary>
public sealed class HydeOptions
{
    /// <summary>Hypothetical documents written per query; their embeddings are averaged. Default 1.</summary>
    public int Documents { get; set; } = 1;

    /// <summary>Also average in the embedding of the (instruction-formatted) query, as the HyDE paper does. Default false.</summary>
    public bool IncludeQuery { get; set; }

    /// <summary>Most tokens of one hypothetical document. Default 256.</summary>
    public int MaxOutputTokens { get; set; } = 256;

    /// <summary>Sampling temperature; with one document 0 makes it repeatable. Default 0.</summary>
    public float Temperature { get; set; }

    /// <summary>Seed for providers that honour it. Default 0.</summary>
    public long? Seed { get; set; }

    /// <summary>The prompt; {query} and {instruction} are replaced (the instruction line is dropped when there is none).</summary>
    public string PromptTemplate { get; set; } = "Write a short passage that would be a relevant search result for the query.\nTask: {instruction}\nQuery: {query}\nPassage:";

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Documents, 1, nameof(Documents));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOutputTokens, 1, nameof(MaxOutputTokens));
        ArgumentException.ThrowIfNullOrWhiteSpace(PromptTemplate, nameof(PromptTemplate));
        if (!PromptTemplate.Contains("{query}", StringComparison.Ordinal))
        {
            throw new ArgumentException("The HyDE prompt template must contain {query}.", nameof(PromptTemplate));
        }
    }
}
