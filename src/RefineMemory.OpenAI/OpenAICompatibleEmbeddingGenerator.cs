using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using OpenAI;
using RefineMemory.Judge;

namespace RefineMemory.OpenAI;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> for any OpenAI-compatible /embeddings endpoint:
/// Microsoft.Extensions.AI.OpenAI's generator (<c>OpenAIClient.GetEmbeddingClient(model).AsIEmbeddingGenerator()</c>)
/// under a thin decorator that checks inputs (no empty text), sends them in batches of
/// <see cref="EmbeddingModelSettings.MaxBatchSize"/>, checks that every input got one embedding, and turns failures
/// into <see cref="ModelCallException"/>s.
/// </summary>
public sealed class OpenAICompatibleEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingModelSettings _settings;
    private readonly OpenAIClient _client;
    private readonly ConcurrentDictionary<string, IEmbeddingGenerator<string, Embedding<float>>> _otherModels = new(StringComparer.Ordinal);

    /// <summary>A generator over the embedding model <paramref name="settings"/> names.</summary>
    public OpenAICompatibleEmbeddingGenerator(EmbeddingModelSettings settings)
        : this(Checked(settings), OpenAIClientFactory.Create(settings))
    {
    }

    private OpenAICompatibleEmbeddingGenerator(EmbeddingModelSettings settings, OpenAIClient client)
        : base(client.GetEmbeddingClient(settings.Model).AsIEmbeddingGenerator(settings.Dimensions))
    {
        _settings = settings;
        _client = client;
    }


    /// <inheritdoc />
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
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

        string model = options?.ModelId is { Length: > 0 } id ? id : _settings.Model;
        var generator = model == _settings.Model
            ? InnerGenerator
            : _otherModels.GetOrAdd(model, m => _client.GetEmbeddingClient(m).AsIEmbeddingGenerator(_settings.Dimensions));
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count) { Usage = new UsageDetails { InputTokenCount = 0, TotalTokenCount = 0 } };
        for (int start = 0; start < inputs.Count; start += _settings.MaxBatchSize)
        {
            var batch = inputs.GetRange(start, Math.Min(_settings.MaxBatchSize, inputs.Count - start));
            GeneratedEmbeddings<Embedding<float>> embeddings;
            try
            {
                embeddings = await generator.GenerateAsync(batch, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (OpenAIErrors.Map(ex, _settings.Endpoint, model, cancellationToken) is { } mapped)
            {
                throw mapped;
            }

            if (embeddings.Count != batch.Count)
            {
                throw new ModelCallException(ModelCallFailureKind.MalformedResponse,
                    $"{_settings.Endpoint} returned {embeddings.Count} embeddings for {batch.Count} inputs.");
            }

            result.AddRange(embeddings);
            result.Usage.InputTokenCount += embeddings.Usage?.InputTokenCount ?? 0;
            result.Usage.TotalTokenCount += embeddings.Usage?.TotalTokenCount ?? 0;
        }

        return result;
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(OpenAIClient) ? _client : base.GetService(serviceType, serviceKey);
    }

    private static EmbeddingModelSettings Checked(EmbeddingModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.MaxBatchSize >= 1
            ? settings
            : throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxBatchSize, "MaxBatchSize must be positive.");
    }
}
