namespace RefineMemory.UseLite.Compute;

/// <summary>
/// Scratch buffers for one forward pass over up to <see cref="TokenCapacity"/> tokens. One per worker thread,
/// reused across batches (grown, never shrunk), so the hot loops allocate nothing.
/// </summary>
internal sealed class EncoderWorkspace
{
    private const int Width = Model.UseLiteWeights.Width;

    public EncoderWorkspace(int tokenCapacity, int sentenceCapacity, int maxLength)
    {
        TokenCapacity = tokenCapacity;
        SentenceCapacity = sentenceCapacity;
        Input = new float[tokenCapacity * Model.UseLiteWeights.EmbeddingWidth];
        Norm = new float[tokenCapacity * Width];
        Hidden = new float[tokenCapacity * Width];
        Attention = new float[tokenCapacity * Width];
        Projected = new float[tokenCapacity * Width];
        Wide = new float[tokenCapacity * Model.UseLiteWeights.FfnWidth];
        Pooled = new float[sentenceCapacity * Width];
        Output = new float[sentenceCapacity * Width];
        Scores = new float[maxLength];
        Query = new float[Width];
        NormScale = new float[Width];
    }

    public int TokenCapacity { get; }

    public int SentenceCapacity { get; }

    /// <summary>Token embeddings plus timing signal, [tokens, 256].</summary>
    public float[] Input { get; }

    /// <summary>Layer-normalised activations, [tokens, 256 or 512].</summary>
    public float[] Norm { get; }

    /// <summary>The residual stream, [tokens, 512].</summary>
    public float[] Hidden { get; }

    /// <summary>Attention output before its projection, [tokens, 256 or 512].</summary>
    public float[] Attention { get; }

    /// <summary>Projection results added to the residual stream, [tokens, 512].</summary>
    public float[] Projected { get; }

    /// <summary>QKV or the feed-forward hidden layer, [tokens, 1536].</summary>
    public float[] Wide { get; }

    public float[] Pooled { get; }

    public float[] Output { get; }

    public float[] Scores { get; }

    public float[] Query { get; }

    public float[] NormScale { get; }
}
