using System.Numerics.Tensors;

namespace RefineMemory.Onnx.Embed;

/// <summary>How token vectors become one sentence vector.</summary>
public enum EmbeddingPooling
{
    /// <summary>Average of the non-padding tokens (sentence-transformers <c>pooling_mode_mean_tokens</c>).</summary>
    Mean,

    /// <summary>The [CLS] token's vector (<c>pooling_mode_cls_token</c>; bge models).</summary>
    Cls,

    /// <summary>Element-wise maximum over the non-padding tokens (<c>pooling_mode_max_tokens</c>).</summary>
    Max,
}

/// <summary>Pooling and normalisation kernels over one sentence's token vectors.</summary>
internal static class PoolingKernels
{
    /// <summary>Pools the first <paramref name="tokens"/> rows of <paramref name="hidden"/> (row-major, <paramref name="destination"/>.Length wide).</summary>
    public static void Pool(ReadOnlySpan<float> hidden, int tokens, EmbeddingPooling pooling, Span<float> destination)
    {
        int dimension = destination.Length;
        hidden[..dimension].CopyTo(destination);
        if (pooling == EmbeddingPooling.Cls)
        {
            return;
        }

        for (int t = 1; t < tokens; t++)
        {
            var row = hidden.Slice(t * dimension, dimension);
            if (pooling == EmbeddingPooling.Max)
            {
                TensorPrimitives.Max(destination, row, destination);
            }
            else
            {
                TensorPrimitives.Add(destination, row, destination);
            }
        }

        if (pooling == EmbeddingPooling.Mean)
        {
            TensorPrimitives.Divide(destination, tokens, destination);
        }
    }

    /// <summary>Scales <paramref name="vector"/> to unit L2 length (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
