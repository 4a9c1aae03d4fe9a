using Microsoft.Extensions.AI;
using RefineMemory.UseLite;

namespace RefineMemory.Cli.Commands;

/// <summary>Turns <c>--embedder</c> into an embedding generator: <c>use-lite</c> (the embedded default).</summary>
internal static class EvalEmbedderFactory
{
    public static IEmbeddingGenerator<string, Embedding<float>> Create(string spec, IProgress<int>? progress = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (string.Equals(spec, UseLiteEmbeddingGenerator.ModelId, StringComparison.OrdinalIgnoreCase))
        {
            return UseLiteEmbeddingGenerator.Create(new UseLiteOptions { Progress = progress });
        }

        throw new CliInputException($"Unknown embedder '{spec}': use use-lite.");
    }
}
