using System.CommandLine;
using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Hosting;
using RefineMemory.OpenAI;
using RefineMemory.UseLite;

namespace RefineMemory.Cli;

/// <summary>
/// The <c>--embedder</c> / <c>--model</c> option of every command and the embedder it names, through the one
/// parser (<see cref="EmbedderName"/>) and factory (<see cref="NamedEmbedders"/>) that DI uses too.
/// </summary>
internal static class EmbedderFactory
{
    public const string DefaultModel = EmbedderName.Default;

    /// <summary>An option named <paramref name="name"/> naming an embedder; <see cref="Create"/> reports a bad name (exit 2).</summary>
    public static Option<string> Option(string name = "--embedder") =>
        new(name)
        {
            Description = $"Embedding model: {EmbedderName.Choices} (default {DefaultModel}). " +
                "arctic-embed-xs and all-MiniLM-L6-v2 come with the build; openai reads REFINE_EMBEDDING_ENDPOINT/MODEL/API_KEY.",
            DefaultValueFactory = _ => DefaultModel,
        };

    public static IEmbeddingGenerator<string, Embedding<float>> Create(string model, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return EmbedderName.TryParse(model, out var name, out string problem)
            ? NamedEmbedders.Create(name!, new NamedEmbedderOptions
            {
                Progress = progress,
                // Only the program reads the environment: the openai embedder's endpoint and, for USE-Lite, its folder.
                EmbeddingModel = name!.Kind == EmbedderKind.OpenAI ? EmbeddingModelSettings.FromVariables(Environment.GetEnvironmentVariable) : null,
                UseLiteDirectory = Environment.GetEnvironmentVariable(UseLiteOptions.ModelDirectoryVariable),
            })
            : throw new CliInputException(problem);
    }
}
