using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
