using System.Security.Cryptography;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RefineMemory.Embed;
using RefineMemory.Onnx.Tokenization;

namespace RefineMemory.Onnx.Embed;

/// <summary>
/// Embeds texts with a BERT-style ONNX model (all-MiniLM-L6-v2, arctic-embed, bge, e5, gte, ...): BERT WordPiece
/// tokenization, texts sorted by length into batches padded to their longest text, mean/CLS/max pooling over the
/// attention mask, optional L2 normalisation, and a query prefix for texts embedded as queries
/// (<see cref="EmbeddingPurposes"/>). Opened from a model folder (<see cref="FromModelDirectory"/>) or by name from
/// a NuGet package's resources (<see cref="PretrainedEmbedders"/>). Thread-safe.
/// </summary>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private static readonly string[] PreferredOutputs = ["last_hidden_state", "token_embeddings", "sentence_embedding"];
    private readonly BertSession _session;
    private readonly int _batchSize;
    private readonly int _outputRank;
    private readonly IProgress<int>? _progress;
    private readonly Lazy<EmbedderFingerprint> _fingerprint;

    private OnnxEmbeddingGenerator(BertSession session, BertTokenizer tokenizer, OnnxEmbeddingOptions options, EmbeddingPooling pooling, bool normalize,
        int maxLength, string queryPrefix, string modelId, Uri? source, Func<byte[]> modelDigest, int outputRank, int dimension)
    {
        _session = session;
        _progress = options.Progress;
        _batchSize = options.BatchSize;
        _outputRank = outputRank;
        Tokenizer = tokenizer;
        Pooling = pooling;
        Normalize = normalize;
        MaxLength = maxLength;
        QueryPrefix = queryPrefix;
        Dimension = dimension;
        Metadata = new EmbeddingGeneratorMetadata("onnx", source, modelId, dimension);
        _fingerprint = new(() => new EmbedderFingerprint(string.Join('|',
            "onnx", modelId, "model-sha256=" + Convert.ToHexStringLower(modelDigest()), "vocab-sha256=" + tokenizer.Vocabulary.Digest,
            "tokenizer=" + tokenizer.Normalization, "output=" + session.OutputName, "pooling=" + (outputRank == 2 ? "model" : pooling.ToString()),
            "normalize=" + normalize, "max-length=" + maxLength, "query-prefix=" + queryPrefix)));
    }

    /// <summary>The tokenizer of the model's vocabulary.</summary>
    public BertTokenizer Tokenizer { get; }

    /// <summary>How token vectors become one sentence vector.</summary>
    public EmbeddingPooling Pooling { get; }

    /// <summary>Whether vectors are scaled to unit length.</summary>
    public bool Normalize { get; }

    /// <summary>Tokens per text after truncation, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    /// <summary>What texts embedded as queries start with ("" for none).</summary>
    public string QueryPrefix { get; }

    /// <summary>Length of every vector.</summary>
    public int Dimension { get; }

    /// <inheritdoc />
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>
    /// Opens the model in <paramref name="directory"/>. Unset <paramref name="options"/> come from the folder
    /// (see <see cref="OnnxEmbeddingOptions"/>); without a sentence-transformers configuration the defaults are
    /// mean pooling and L2 normalisation.
    /// </summary>
    public static OnnxEmbeddingGenerator FromModelDirectory(string directory, OnnxEmbeddingOptions? options = null)
    {
        options ??= new OnnxEmbeddingOptions();
        string dir = ModelFolder.RequireDirectory(directory);
        string modelPath = ModelFolder.FindModel(dir, options.ModelFile);
        var tokenizer = BertTokenizer.FromDirectory(dir);
        var config = SentenceTransformersConfig.Read(dir);
        bool hasModules = File.Exists(Path.Combine(dir, "modules.json"));
        var settings = new ModelSettings(
            options.Pooling ?? config.Pooling ?? EmbeddingPooling.Mean,
            options.Normalize ?? (hasModules ? config.Normalize ?? false : true),
            options.MaxLength ?? config.MaxSequenceLength ?? SentenceTransformersConfig.ReadTokenizerMaxLength(dir) ?? 512,
            options.QueryPrefix ?? config.QueryPrompt ?? string.Empty);
        return Open(() => OnnxSessions.Open(modelPath, options.Session), modelPath, tokenizer, options, settings,
            Path.GetFileName(dir), new Uri(modelPath), () => HashFile(modelPath));
    }

    /// <summary>Opens a model held in memory (a pretrained model read from its package's resources).</summary>
    internal static OnnxEmbeddingGenerator FromModelBytes(byte[] model, string modelId, string source, BertTokenizer tokenizer, ModelSettings defaults, OnnxEmbeddingOptions? options)
    {
        options ??= new OnnxEmbeddingOptions();
        var settings = new ModelSettings(options.Pooling ?? defaults.Pooling, options.Normalize ?? defaults.Normalize,
            options.MaxLength ?? defaults.MaxLength, options.QueryPrefix ?? defaults.QueryPrefix);
        byte[] digest = SHA256.HashData(model);
        return Open(() => OnnxSessions.Open(model, options.Session), source, tokenizer, options, settings, modelId, null, () => digest);
    }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = EmbeddingInputs.ToCheckedArray(values);
        return Task.FromResult(Generate(texts, EmbeddingPurposes.Of(options), cancellationToken));
    }

    /// <summary>Embeds <paramref name="texts"/> synchronously as <paramref name="purpose"/>; the vectors come back in input order.</summary>
    public GeneratedEmbeddings<Embedding<float>> Generate(IReadOnlyList<string> texts, EmbeddingPurpose purpose = EmbeddingPurpose.Document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        bool prefix = purpose == EmbeddingPurpose.Query && QueryPrefix.Length > 0;
        var encodings = new BertEncoding[texts.Count];
        var order = new int[texts.Count];
        long tokens = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            encodings[i] = Tokenizer.Encode(prefix ? QueryPrefix + texts[i] : texts[i], MaxLength);
            order[i] = i;
            tokens += encodings[i].Length;
        }

        // Sort by length so that each batch pads little; the vectors go back to input order.
        var sorted = (BertEncoding[])encodings.Clone();
        Array.Sort(sorted, order, Comparer<BertEncoding>.Create(static (a, b) => a.Length.CompareTo(b.Length)));
        var vectors = new float[texts.Count][];
        for (int start = 0; start < sorted.Length; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = new ArraySegment<BertEncoding>(sorted, start, Math.Min(_batchSize, sorted.Length - start));
            using var output = _session.Run(batch, Tokenizer.Vocabulary.PadId, cancellationToken);
            var data = output.Data;
            for (int b = 0; b < batch.Count; b++)
            {
                var vector = new float[Dimension];
                if (_outputRank == 2)
                {
                    data.Slice(b * Dimension, Dimension).CopyTo(vector);
                }
                else
                {
                    int rowLength = output.Length * Dimension;
                    PoolingKernels.Pool(data.Slice(b * rowLength, rowLength), batch[b].Length, Pooling, vector);
                }

                if (Normalize)
                {
                    PoolingKernels.Normalize(vector);
                }

                vectors[order[start + b]] = vector;
            }

            _progress?.Report(start + batch.Count);
        }

        var embeddings = new List<Embedding<float>>(vectors.Length);
        foreach (var v in vectors)
        {
            embeddings.Add(new Embedding<float>(v) { ModelId = Metadata.DefaultModelId });
        }

        return new GeneratedEmbeddings<Embedding<float>>(embeddings)
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType == typeof(EmbedderFingerprint) ? _fingerprint.Value
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    private static OnnxEmbeddingGenerator Open(Func<InferenceSession> open, string modelName, BertTokenizer tokenizer, OnnxEmbeddingOptions options,
        ModelSettings settings, string modelId, Uri? source, Func<byte[]> digest)
    {
        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        }

        if (settings.MaxLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), settings.MaxLength, "MaxLength must be at least 2.");
        }

        var session = open();
        try
        {
            var output = PreferredOutputs.Where(session.OutputMetadata.ContainsKey).Select(n => (Name: n, Meta: session.OutputMetadata[n])).FirstOrDefault();
            if (output.Name is null)
            {
                output = (session.OutputNames[0], session.OutputMetadata[session.OutputNames[0]]);
            }

            int[] shape = output.Meta.Dimensions;
            if (output.Meta.ElementDataType != TensorElementType.Float || shape.Length is not (2 or 3) || shape[^1] <= 0)
            {
                throw new InvalidDataException($"Model '{modelName}' output '{output.Name}' is {output.Meta.ElementDataType} [{string.Join(", ", shape)}]; expected float [batch, tokens, dim] or [batch, dim].");
            }

            return new OnnxEmbeddingGenerator(new BertSession(session, modelName, output.Name), tokenizer, options, settings.Pooling, settings.Normalize,
                settings.MaxLength, settings.QueryPrefix, modelId, source, digest, shape.Length, shape[^1]);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static byte[] HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return SHA256.HashData(stream);
    }
}

/// <summary>What decides an embedder's vectors besides its weights and vocabulary.</summary>
internal sealed record ModelSettings(EmbeddingPooling Pooling, bool Normalize, int MaxLength, string QueryPrefix);
