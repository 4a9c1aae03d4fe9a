using Microsoft.Extensions.AI;
using RefineMemory.UseLite;

namespace RefineMemory.Cli;

/// <summary>
/// Maps a <c>--model</c> value to an embedding generator. Known: <c>use-lite</c> (the embedded default,
/// Universal Sentence Encoder Lite, 512-d).
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
            _ => throw new CliInputException($"unknown embedding model '{model}' (known: use-lite)."),
        };
    }
}
