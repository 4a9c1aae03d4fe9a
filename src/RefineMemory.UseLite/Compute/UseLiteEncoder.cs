using System.Numerics.Tensors;
using RefineMemory.UseLite.Model;

namespace RefineMemory.UseLite.Compute;

/// <summary>
/// The forward pass of the USE-Lite graph in model.json, for a batch of token sequences packed end to end.
/// Padding never enters: the graph masks it out of attention (bias -1e9, an exact zero after softmax), of the
/// feed-forward (gather/scatter on valid positions) and of the mean pooling, so each sentence is computed on its
/// own tokens only, with the same result. Steps (names from the graph):
/// ClipToMaxLength (first 128 tokens) → embedding_lookup → x = e + (e + timing signal) → two TransformerLayers
/// (pre-norm multi-head attention with residual; layer 0 projects its 256-wide residual to 512; pre-norm ReLU
/// FFN 512→1536→512 with residual) → masked mean over tokens → tanh dense 512 → L2 normalisation.
/// </summary>
internal sealed class UseLiteEncoder
{
    private const int Width = UseLiteWeights.Width;
    private const int EmbeddingWidth = UseLiteWeights.EmbeddingWidth;

    private readonly UseLiteWeights _weights;
    private readonly float[] _timing;

    public UseLiteEncoder(UseLiteWeights weights)
    {
        _weights = weights;
        _timing = TimingSignal(weights.InverseTimescales, weights.MaxLength);
    }

    public int MaxLength => _weights.MaxLength;

    /// <summary>
    /// Embeds <paramref name="lengths"/>.Length sentences whose (already clipped) ids lie end to end in
    /// <paramref name="ids"/>; writes one unit vector of 512 per sentence to <paramref name="output"/>.
    /// </summary>
    public void Encode(ReadOnlySpan<int> ids, ReadOnlySpan<int> lengths, Span<float> output, EncoderWorkspace ws)
    {
        int tokens = ids.Length;
        int sentences = lengths.Length;
        if (tokens > ws.TokenCapacity || sentences > ws.SentenceCapacity || output.Length < sentences * Width)
        {
            throw new ArgumentException($"batch of {sentences} sentences / {tokens} tokens exceeds the workspace or output.", nameof(ids));
        }

        Embed(ids, lengths, ws.Input);
        for (int layer = 0; layer < _weights.Layers.Length; layer++)
        {
            TransformerLayer(_weights.Layers[layer], layer == 0, tokens, lengths, ws);
        }

        Pool(lengths, ws.Hidden, ws.Pooled);
        Span<float> result = ws.Output.AsSpan(0, sentences * Width);
        Gemm.Multiply(ws.Pooled, sentences, _weights.Tanh, result);
        TensorPrimitives.Tanh(result, result);
        for (int s = 0; s < sentences; s++)
        {
            Span<float> row = result.Slice(s * Width, Width);
            float scale = 1f / MathF.Sqrt(MathF.Max(TensorPrimitives.SumOfSquares(row), _weights.L2Epsilon));
            TensorPrimitives.Multiply(row, scale, output.Slice(s * Width, Width));
        }
    }

    private void Embed(ReadOnlySpan<int> ids, ReadOnlySpan<int> lengths, float[] input)
    {
        int t = 0;
        foreach (int length in lengths)
        {
            for (int position = 0; position < length; position++, t++)
            {
                int id = ids[t];
                if ((uint)id >= UseLiteWeights.VocabularyRows)
                {
                    throw new ArgumentOutOfRangeException(nameof(ids), id, "token id outside the embedding table.");
                }

                ReadOnlySpan<float> e = _weights.Embeddings.AsSpan(id * EmbeddingWidth, EmbeddingWidth);
                Span<float> x = input.AsSpan(t * EmbeddingWidth, EmbeddingWidth);
                TensorPrimitives.Add(e, _timing.AsSpan(position * EmbeddingWidth, EmbeddingWidth), x);
                TensorPrimitives.Add(e, x, x);
            }
        }
    }

    private void TransformerLayer(TransformerLayerWeights layer, bool first, int tokens, ReadOnlySpan<int> lengths, EncoderWorkspace ws)
    {
        int width = layer.InputWidth;
        float[] source = first ? ws.Input : ws.Hidden;
        LayerNorm(source, width, tokens, layer.AttentionNormScale, layer.AttentionNormBias, ws.Norm, ws.NormScale);
        if (first)
        {
            Gemm.Multiply(ws.Input, tokens, _weights.ResidualProjection, ws.Hidden);
        }

        Gemm.Multiply(ws.Norm, tokens, layer.Qkv, ws.Wide);
        Attention(ws.Wide, width, layer.QueryScale, lengths, ws);
        Gemm.Multiply(ws.Attention, tokens, layer.Output, ws.Projected);
        AddInPlace(ws.Hidden, ws.Projected, tokens * Width);

        LayerNorm(ws.Hidden, Width, tokens, layer.FfnNormScale, layer.FfnNormBias, ws.Norm, ws.NormScale);
        Gemm.Multiply(ws.Norm, tokens, layer.Ffn1, ws.Wide);
        Span<float> wide = ws.Wide.AsSpan(0, tokens * UseLiteWeights.FfnWidth);
        TensorPrimitives.Max(wide, 0f, wide);
        Gemm.Multiply(ws.Wide, tokens, layer.Ffn2, ws.Projected);
        AddInPlace(ws.Hidden, ws.Projected, tokens * Width);
    }

    private void LayerNorm(float[] source, int width, int tokens, float[] scale, float[] bias, float[] destination, float[] rowScale)
    {
        Span<float> s = rowScale.AsSpan(0, width);
        for (int t = 0; t < tokens; t++)
        {
            ReadOnlySpan<float> x = source.AsSpan(t * width, width);
            Span<float> y = destination.AsSpan(t * width, width);
            float mean = TensorPrimitives.Sum(x) / width;
            TensorPrimitives.Subtract(x, mean, y);
            float variance = TensorPrimitives.SumOfSquares(y) / width;
            TensorPrimitives.Multiply(scale, 1f / MathF.Sqrt(variance + _weights.LayerNormEpsilon), s);
            TensorPrimitives.FusedMultiplyAdd(s, y, bias, y);
        }
    }

    private void Attention(float[] qkv, int width, float queryScale, ReadOnlySpan<int> lengths, EncoderWorkspace ws)
    {
        int heads = _weights.Heads;
        int headWidth = width / heads;
        int stride = 3 * width;
        int start = 0;
        foreach (int length in lengths)
        {
            Span<float> scores = ws.Scores.AsSpan(0, length);
            Span<float> query = ws.Query.AsSpan(0, headWidth);
            for (int h = 0; h < heads; h++)
            {
                int offset = h * headWidth;
                for (int i = 0; i < length; i++)
                {
                    TensorPrimitives.Multiply(qkv.AsSpan(((start + i) * stride) + offset, headWidth), queryScale, query);
                    for (int j = 0; j < length; j++)
                    {
                        scores[j] = TensorPrimitives.Dot(query, qkv.AsSpan(((start + j) * stride) + width + offset, headWidth));
                    }

                    float max = TensorPrimitives.Max(scores);
                    TensorPrimitives.Subtract(scores, max, scores);
                    TensorPrimitives.Exp(scores, scores);
                    TensorPrimitives.Divide(scores, TensorPrimitives.Sum(scores), scores);

                    Span<float> result = ws.Attention.AsSpan(((start + i) * width) + offset, headWidth);
                    result.Clear();
                    for (int j = 0; j < length; j++)
                    {
                        TensorPrimitives.MultiplyAdd(qkv.AsSpan(((start + j) * stride) + (2 * width) + offset, headWidth), scores[j], result, result);
                    }
                }
            }

            start += length;
        }
    }

    private static void Pool(ReadOnlySpan<int> lengths, float[] hidden, float[] pooled)
    {
        int t = 0;
        for (int s = 0; s < lengths.Length; s++)
        {
            Span<float> sum = pooled.AsSpan(s * Width, Width);
            sum.Clear();
            for (int i = 0; i < lengths[s]; i++, t++)
            {
                TensorPrimitives.Add(sum, hidden.AsSpan(t * Width, Width), sum);
            }

            TensorPrimitives.Divide(sum, Math.Max(lengths[s], 1), sum);
        }
    }

    private static void AddInPlace(float[] target, float[] addend, int count) =>
        TensorPrimitives.Add(addend.AsSpan(0, count), target.AsSpan(0, count), target.AsSpan(0, count));

    /// <summary>concat(sin(p·f), cos(p·f)) for positions p below the max length: the graph's TimingSignal.</summary>
    private static float[] TimingSignal(float[] inverseTimescales, int maxLength)
    {
        int half = inverseTimescales.Length;
        var table = new float[maxLength * 2 * half];
        for (int p = 0; p < maxLength; p++)
        {
            for (int i = 0; i < half; i++)
            {
                float angle = p * inverseTimescales[i];
                table[(p * 2 * half) + i] = MathF.Sin(angle);
                table[(p * 2 * half) + half + i] = MathF.Cos(angle);
            }
        }

        return table;
    }
}
