using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Onnx.Embed;
using RefineMemory.OpenAI;
using RefineMemory.UseLite;

namespace RefineMemory.Hosting;

/// <summary>
/// Opens an embedder from its name (<see cref="EmbedderName"/>): the packaged pretrained models, USE-Lite, an ONNX
/// folder, or an OpenAI-compatible endpoint (<see cref="NamedEmbedderOptions.EmbeddingModel"/>). Every command line option and
/// <c>AddRefineMemoryEmbedder</c> go through here, so every place accepts the same names.
/// Each model knows its query format: arctic-embed-xs prefixes queries with its retrieval prompt; all-MiniLM-L6-v2,
/// USE-Lite and OpenAI endpoints take queries as written; <c>onnx:DIR</c> follows the folder's configuration or
/// <see cref="NamedEmbedderOptions.QueryPrefix"/>. Texts are queries when the caller says so
/// (<see cref="EmbeddingPurposes"/>), documents otherwise.
/// </summary>
public static class NamedEmbedders
{
    /// <summary>Opens the embedder named <paramref name="name"/> (see <see cref="EmbedderName.Parse"/>).</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known ones.</exception>
    /// <exception cref="ModelConfigurationException"><c>openai</c> without <see cref="NamedEmbedderOptions.EmbeddingModel"/>.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> Create(string name, NamedEmbedderOptions? options = null) =>
        Create(EmbedderName.Parse(name), options);

    /// <summary>Opens the embedder <paramref name="name"/>.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> Create(EmbedderName name, NamedEmbedderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        options ??= new NamedEmbedderOptions();
        return name.Kind switch
        {
            EmbedderKind.ArcticEmbedXs or EmbedderKind.AllMiniLmL6V2 => PretrainedEmbedders.Create(name.Kind, OnnxOptions(options, queryPrefix: null)),
            EmbedderKind.OnnxFolder => OnnxEmbeddingGenerator.FromModelDirectory(name.Directory!, OnnxOptions(options, options.QueryPrefix)),
            EmbedderKind.UseLite => UseLiteEmbeddingGenerator.Create(new UseLiteOptions { Progress = options.Progress, ModelDirectory = options.UseLiteDirectory }),
            _ => new OpenAICompatibleEmbeddingGenerator(options.EmbeddingModel ?? throw new ModelConfigurationException(
                "The openai embedder needs NamedEmbedderOptions.EmbeddingModel (a program reads REFINE_EMBEDDING_* with EmbeddingModelSettings.FromVariables).")),
        };
    }

    private static OnnxEmbeddingOptions OnnxOptions(NamedEmbedderOptions options, string? queryPrefix) => new()
    {
        BatchSize = options.BatchSize,
        Progress = options.Progress,
        QueryPrefix = queryPrefix,
        Session = options.Session,
    };
}
