namespace RefineMemory.Onnx.Embed;

/// <summary>Options of <see cref="OnnxEmbeddingGenerator"/>; unset values come from the model's configuration.</summary>
public sealed class OnnxEmbeddingOptions
{
    /// <summary>Pooling; default: the folder's sentence-transformers Pooling config, else <see cref="EmbeddingPooling.Mean"/>.</summary>
    public EmbeddingPooling? Pooling { get; set; }

    /// <summary>L2-normalise the vectors; default: whether modules.json has a Normalize module, else true when there is no modules.json.</summary>
    public bool? Normalize { get; set; }

    /// <summary>Maximum tokens per text, [CLS] and [SEP] included; default: sentence_bert_config.json, else tokenizer_config.json, else 512.</summary>
    public int? MaxLength { get; set; }

    /// <summary>
    /// Put in front of texts embedded as queries (<see cref="RefineMemory.Embed.EmbeddingPurpose.Query"/>); documents never
    /// get it. Default: the <c>query</c> prompt of the folder's <c>config_sentence_transformers.json</c>, else none.
    /// Set "" to turn a configured prefix off.
    /// </summary>
    public string? QueryPrefix { get; set; }

    /// <summary>Texts per model run (texts are sorted by length, so a batch pads little); default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Receives the number of texts embedded so far after each batch (optional).</summary>
    public IProgress<int>? Progress { get; set; }

    /// <summary>The ONNX file inside the folder; default <c>model.onnx</c>, else <c>onnx/model.onnx</c>.</summary>
    public string? ModelFile { get; set; }

    /// <summary>Session settings: threads, graph optimisation, CUDA.</summary>
    public OnnxSessionOptions Session { get; set; } = new();
}
