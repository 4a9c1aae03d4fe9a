using Microsoft.Extensions.AI;
using RefineMemory.Onnx.Embed;
using RefineMemory.UseLite;

namespace RefineMemory.Cli;

/// <summary>
/// Maps a <c>--model</c> value to an embedding generator. Known: <c>use-lite</c> (the embedded default,
/// Universal Sentence Encoder Lite, 512-d) and <c>onnx:DIR</c> (an ONNX export with its tokenizer in DIR,
/// run through ONNX Runtime).
/// </summary>
internal static class EmbedderFactory
{
    public const string DefaultModel = "use-lite";

    public static IEmbeddingGenerator<string, Embedding<float>> Create(string model, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model switch
        {
            "use-lite" => UseLiteEmbeddingGenerator.Create(new UseLiteOptions { Progress = progress }),
            _ when model.StartsWith("onnx:", StringComparison.Ordinal) && model.Length > 5 => OnnxEmbeddingGenerator.FromModelDirectory(model[5..], new OnnxEmbeddingOptions { Progress = progress }),
            _ => throw new CliInputException($"unknown embedding model '{model}' (known: use-lite, onnx:DIR)."),
        };
    }
}
