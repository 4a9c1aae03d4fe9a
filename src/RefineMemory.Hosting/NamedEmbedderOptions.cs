using RefineMemory.Onnx;
using RefineMemory.OpenAI;

namespace RefineMemory.Hosting;

/// <summary>Options of an embedder opened by name (<see cref="NamedEmbedders"/>); each applies where it means something.</summary>
public sealed class NamedEmbedderOptions
{
    /// <summary>Receives the number of texts embedded so far (local models: after each batch). Optional.</summary>
    public IProgress<int>? Progress { get; set; }

    /// <summary>ONNX models: texts per model run; default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// <c>onnx:DIR</c> models: the query prefix, overriding the folder's <c>config_sentence_transformers.json</c>
    /// prompt ("" for none). The packaged models know their own; USE-Lite and OpenAI endpoints take none.
    /// </summary>
    public string? QueryPrefix { get; set; }

    /// <summary><c>openai</c>: the endpoint and model; required for that name, ignored by the others. Default <c>null</c>.</summary>
    public EmbeddingModelSettings? EmbeddingModel { get; set; }

    /// <summary><c>use-lite</c>: the model folder (<see cref="RefineMemory.UseLite.UseLiteOptions.ModelDirectory"/>); <c>null</c> (default) finds <c>assets/use-lite</c>.</summary>
    public string? UseLiteDirectory { get; set; }

    /// <summary>ONNX models: threads, graph optimisation, CUDA.</summary>
    public OnnxSessionOptions Session { get; set; } = new();
}
