using RefineMemory.UseLite.Compute;

namespace RefineMemory.UseLite.Model;

/// <summary>
/// The USE-Lite graph's parameters, by the names model.json gives them, with the dense kernels packed for
/// <see cref="Gemm"/>. The constants (attention scales, epsilons, max length, heads) come from the file too.
/// </summary>
internal sealed class UseLiteWeights
{
    private const string Module = "module/Encoder_en/KonaTransformer/Encode/";
    private const string Apply = "module_apply_default/Encoder_en/KonaTransformer/Encode/";
    private const string Stack = Apply + "TransformerStack/";

    public const int EmbeddingWidth = 256;
    public const int Width = 512;
    public const int FfnWidth = 1536;
    public const int VocabularyRows = 8002;

    private UseLiteWeights(TensorStore store)
    {
        Embeddings = store.Floats("module/Embeddings_en", VocabularyRows, EmbeddingWidth);
        InverseTimescales = store.Floats(Stack + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1", 1, EmbeddingWidth / 2);
        MaxLength = store.IntScalar("module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y");
        LayerNormEpsilon = store.FloatScalar(Stack + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x");
        L2Epsilon = store.FloatScalar("module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y");
        Heads = store.IntScalar(Stack + "Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2");
        ResidualProjection = Dense(store, Apply + "Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat",
            Apply + "Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat", EmbeddingWidth, Width, convolution: false);
        Layers = [Layer(store, 0, EmbeddingWidth), Layer(store, 1, Width)];
        Tanh = Dense(store, "module/Encoder_en/hidden_layers/tanh_layer_0/weights", "module/Encoder_en/hidden_layers/tanh_layer_0/bias", Width, Width, convolution: false);
        if (MaxLength is < 1 or > 4096 || Heads < 1 || EmbeddingWidth % Heads != 0)
        {
            throw new InvalidDataException($"'{store.Source}': implausible constants (max length {MaxLength}, heads {Heads}).");
        }
    }

    public float[] Embeddings { get; }

    /// <summary>1 / 10000^(i/127), i = 0..127: the sinusoid timing signal's frequencies.</summary>
    public float[] InverseTimescales { get; }

    /// <summary>Token positions at or past this are dropped (128).</summary>
    public int MaxLength { get; }

    public float LayerNormEpsilon { get; }

    public float L2Epsilon { get; }

    public int Heads { get; }

    /// <summary>Layer 0's residual branch: the 256-wide input projected to 512.</summary>
    public PackedMatrix ResidualProjection { get; }

    public TransformerLayerWeights[] Layers { get; }

    public PackedMatrix Tanh { get; }

    public static UseLiteWeights Load(UseLiteModelFiles files) => new(TensorStore.Load(files));

    private static TransformerLayerWeights Layer(TensorStore store, int index, int inputWidth)
    {
        string module = $"{Module}Layer_{index}/TransformerLayer/";
        string apply = $"{Apply}Layer_{index}/TransformerLayer/";
        string stack = $"{Stack}Layer_{index}/TransformerLayer/";
        return new TransformerLayerWeights(
            InputWidth: inputWidth,
            AttentionNormScale: store.Floats(apply + "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", inputWidth),
            AttentionNormBias: store.Floats(apply + "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", inputWidth),
            Qkv: Dense(store, module + "MultiheadAttention/qkv_transform_single/kernel/part_0",
                apply + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat", inputWidth, 3 * inputWidth, convolution: true),
            QueryScale: store.FloatScalar(stack + "MultiheadAttention/mul/y"),
            Output: Dense(store, module + "MultiheadAttention/output_transform_single/kernel/part_0",
                apply + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat", inputWidth, Width, convolution: true),
            FfnNormScale: store.Floats(apply + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", Width),
            FfnNormBias: store.Floats(apply + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", Width),
            Ffn1: Dense(store, stack + "FFN/conv1/Tensordot/Reshape_1", apply + "FFN/conv1/bias/ConcatPartitions/concat", Width, FfnWidth, convolution: false),
            Ffn2: Dense(store, stack + "FFN/conv2/Tensordot/Reshape_1", apply + "FFN/conv2/bias/ConcatPartitions/concat", FfnWidth, Width, convolution: false));
    }

    private static PackedMatrix Dense(TensorStore store, string kernel, string bias, int rows, int columns, bool convolution)
    {
        // 1x1 convolutions store their kernel as [1, 1, in, out]: the same numbers as an [in, out] matrix.
        float[] k = convolution ? store.Floats(kernel, 1, 1, rows, columns) : store.Floats(kernel, rows, columns);
        return new PackedMatrix(k, rows, columns, store.Floats(bias, columns));
    }
}

/// <summary>One transformer layer: pre-norm attention and pre-norm ReLU feed-forward, both residual.</summary>
internal sealed record TransformerLayerWeights(
    int InputWidth,
    float[] AttentionNormScale,
    float[] AttentionNormBias,
    PackedMatrix Qkv,
    float QueryScale,
    PackedMatrix Output,
    float[] FfnNormScale,
    float[] FfnNormBias,
    PackedMatrix Ffn1,
    PackedMatrix Ffn2);
