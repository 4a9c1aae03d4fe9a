namespace RefineMemory.Onnx.Judge;

/// <summary>Options of <see cref="OnnxCrossEncoderJudge"/>.</summary>
public sealed class OnnxCrossEncoderOptions
{
    /// <summary>Maximum tokens per (query, document) pair; default: tokenizer_config.json's <c>model_max_length</c>, else 512.</summary>
    public int? MaxLength { get; set; }

    /// <summary>Pairs per model run; default 16.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// Put the request's task instruction in front of the query ("instruction query"); default false, since the
    /// ms-marco cross-encoders were trained on bare queries.
    /// </summary>
    public bool PrependInstruction { get; set; }

    /// <summary>The ONNX file inside the folder; default <c>model.onnx</c>, else <c>onnx/model.onnx</c>.</summary>
    public string? ModelFile { get; set; }

    /// <summary>Session settings: threads, graph optimisation, CUDA.</summary>
    public OnnxSessionOptions Session { get; set; } = new();
}
