using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RefineMemory.Embed;
using RefineMemory.Judge;
using RefineMemory.Onnx.Embed;
using RefineMemory.Onnx.Judge;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ONNX Runtime embedder and cross-encoder judge (singletons, opened on first use).</summary>
public static class OnnxServiceCollectionExtensions
{
    /// <summary>Adds an <see cref="OnnxEmbeddingGenerator"/> over the model folder <paramref name="modelDirectory"/> as <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>.</summary>
    public static IServiceCollection AddOnnxEmbeddingGenerator(this IServiceCollection services, string modelDirectory, Action<OnnxEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ =>
        {
            var options = new OnnxEmbeddingOptions();
            configure?.Invoke(options);
            return OnnxEmbeddingGenerator.FromModelDirectory(modelDirectory, options);
        });
        return services;
    }

    /// <summary>
    /// Adds the packaged pretrained model <paramref name="name"/> (<c>arctic-embed-xs</c>, the default, or
    /// <c>all-MiniLM-L6-v2</c>; see <see cref="PretrainedEmbedders"/>) as <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>,
    /// opened on first use. The name is checked here, so a misspelt one fails at start-up. TryAdd: an existing registration wins.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one of the packaged models.</exception>
    public static IServiceCollection AddPretrainedEmbeddingGenerator(this IServiceCollection services, string name = EmbedderName.Default, Action<OnnxEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var parsed = EmbedderName.Parse(name);
        if (!PretrainedEmbedders.IsPretrained(parsed.Kind))
        {
            throw new ArgumentException($"'{name}' is not a packaged model; use {EmbedderName.ArcticEmbedXs} or {EmbedderName.AllMiniLmL6V2}, or AddOnnxEmbeddingGenerator(modelDirectory) for a model folder.", nameof(name));
        }

        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ =>
        {
            var options = new OnnxEmbeddingOptions();
            configure?.Invoke(options);
            return PretrainedEmbedders.Create(parsed.Kind, options);
        });
        return services;
    }

    /// <summary>Adds an <see cref="OnnxCrossEncoderJudge"/> over the model folder <paramref name="modelDirectory"/> as <see cref="IRelevanceJudge"/>.</summary>
    public static IServiceCollection AddOnnxCrossEncoderJudge(this IServiceCollection services, string modelDirectory, Action<OnnxCrossEncoderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        services.TryAddSingleton<IRelevanceJudge>(_ =>
        {
            var options = new OnnxCrossEncoderOptions();
            configure?.Invoke(options);
            return OnnxCrossEncoderJudge.FromModelDirectory(modelDirectory, options);
        });
        return services;
    }
}
