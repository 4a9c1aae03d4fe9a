using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;
using RefineMemory.Judge;
using AI = Microsoft.Extensions.AI;
using Sdk = OpenAI.Embeddings;

namespace RefineMemory.OpenAI;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> for any OpenAI-compatible /embeddings endpoint, over
/// the OpenAI SDK. Inputs are sent in batches of <see cref="EmbeddingModelSettings.MaxBatchSize"/>; failures become
/// <see cref="ModelCallException"/>s.
/// </summary>
public sealed class OpenAICompatibleEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingModelSettings _settings;
    private readonly OpenAIClient _client;
    private readonly EmbeddingClient _default;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public OpenAICompatibleEmbeddingGenerator(EmbeddingModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxBatchSize, "MaxBatchSize must be positive.");
        }

        _settings = settings;
        _client = OpenAIClientFactory.Create(settings);
        _default = _client.GetEmbeddingClient(settings.Model);
        _metadata = new EmbeddingGeneratorMetadata("openai-compatible", settings.Endpoint, settings.Model, settings.Dimensions);
    }

    /// <summary>A generator configured from the environment (<see cref="EmbeddingModelSettings.FromEnvironment"/>).</summary>
    public static OpenAICompatibleEmbeddingGenerator FromEnvironment() => new(EmbeddingModelSettings.FromEnvironment());

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToList();
        for (int i = 0; i < inputs.Count; i++)
        {
            if (string.IsNullOrEmpty(inputs[i]))
            {
                throw new ArgumentException($"Input {i} is null or empty; OpenAI-compatible endpoints reject empty inputs.", nameof(values));
            }
        }

        string model = options?.ModelId ?? _settings.Model;
        var client = model == _settings.Model ? _default : _client.GetEmbeddingClient(model);
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count) { Usage = new UsageDetails { InputTokenCount = 0, TotalTokenCount = 0 } };
        for (int start = 0; start < inputs.Count; start += _settings.MaxBatchSize)
        {
            var batch = inputs.GetRange(start, Math.Min(_settings.MaxBatchSize, inputs.Count - start));
            var sdkOptions = options?.RawRepresentationFactory?.Invoke(this) as Sdk.EmbeddingGenerationOptions ?? new Sdk.EmbeddingGenerationOptions();
            sdkOptions.Dimensions ??= options?.Dimensions ?? _settings.Dimensions;
            OpenAIEmbeddingCollection collection;
            try
            {
                collection = (await client.GenerateEmbeddingsAsync(batch, sdkOptions, cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (Exception ex) when (OpenAIErrors.Map(ex, _settings.Endpoint, model, cancellationToken) is { } mapped)
            {
                throw mapped;
            }

            if (collection.Count != batch.Count)
            {
                throw new ModelCallException(ModelCallFailureKind.MalformedResponse,
                    $"{_settings.Endpoint} returned {collection.Count} embeddings for {batch.Count} inputs.");
            }

            foreach (var embedding in collection.OrderBy(e => e.Index))
            {
                result.Add(new Embedding<float>(embedding.ToFloats()) { ModelId = collection.Model, CreatedAt = DateTimeOffset.UtcNow });
            }

            result.Usage.InputTokenCount += collection.Usage?.InputTokenCount ?? 0;
            result.Usage.TotalTokenCount += collection.Usage?.TotalTokenCount ?? 0;
        }

        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType == typeof(EmbeddingClient) ? _default
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // Nothing to release: the SDK clients share a static HTTP pipeline.
    }
}
