namespace RefineMemory.Onnx.Tokenization;

/// <summary>The BERT basic tokenizer's switches (HF <c>BertNormalizer</c>); defaults are those of uncased BERT.</summary>
public sealed record BertNormalization
{
    /// <summary>Lower-case the text (default true).</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>Remove accents (NFD, drop non-spacing marks); default true. HF's <c>strip_accents: null</c> means "same as lower-case".</summary>
    public bool StripAccents { get; init; } = true;

    /// <summary>Put spaces around CJK ideographs so each is its own word (default true).</summary>
    public bool SplitChineseCharacters { get; init; } = true;
}
