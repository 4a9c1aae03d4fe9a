using Microsoft.Extensions.AI;
using RefineMemory.Onnx.Native;
using RefineMemory.Onnx.Tokenization;

namespace RefineMemory.Onnx.Embed;

/// <summary>
/// Embeds texts with a local BERT-style ONNX model (all-MiniLM-L6-v2, bge-small, e5, gte, ...): WordPiece
/// tokenization, batches padded to their longest text (texts are grouped by length), mean/CLS/max pooling over
/// the attention mask, optional L2 normalisation. Configured from a model folder: <c>model.onnx</c>, <c>vocab.txt</c>
/// or <c>tokenizer.json</c>, and the sentence-transformers configuration when present.
/// </summary>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private static readonly string[] PreferredOutputs = ["last_hidden_state", "token_embeddings", "sentence_embedding"];
    private readonly BertSession _session;
    private readonly int _batchSize;
    private readonly int _outputRank;
    private readonly IProgress<int>? _progress;

    private OnnxEmbeddingGenerator(BertSession session, BertTokenizer tokenizer, EmbeddingPooling pooling, bool normalize, int maxLength, int batchSize, int dimension, string modelId, IProgress<int>? progress)
    {
        _progress = progress;
        _session = session;
        Tokenizer = tokenizer;
        Pooling = pooling;
        Normalize = normalize;
        MaxLength = maxLength;
        _batchSize = batchSize;
        Dimension = dimension;
        _outputRank = session.Session.Outputs.First(o => o.Name == session.OutputName).Shape.Count;
        Metadata = new EmbeddingGeneratorMetadata("onnx", new Uri(session.Session.ModelPath), modelId, dimension);
    }

    public BertTokenizer Tokenizer { get; }

    public EmbeddingPooling Pooling { get; }

    public bool Normalize { get; }

    /// <summary>Tokens per text after truncation, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    public int Dimension { get; }

    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>
    /// Opens the model in <paramref name="directory"/>. Unset <paramref name="options"/> come from the folder
    /// (see <see cref="OnnxEmbeddingOptions"/>); without a sentence-transformers configuration the defaults are
    /// mean pooling and L2 normalisation.
    /// </summary>
    public static OnnxEmbeddingGenerator FromModelDirectory(string directory, OnnxEmbeddingOptions? options = null)
    {
        options ??= new OnnxEmbeddingOptions();
        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        }

        string dir = ModelFolder.RequireDirectory(directory);
        string modelPath = ModelFolder.FindModel(dir, options.ModelFile);
        var tokenizer = BertTokenizer.FromDirectory(dir);
        var config = SentenceTransformersConfig.Read(dir);
        bool hasModules = File.Exists(Path.Combine(dir, "modules.json"));
        var pooling = options.Pooling ?? config.Pooling ?? EmbeddingPooling.Mean;
        bool normalize = options.Normalize ?? (hasModules ? config.Normalize ?? false : true);
        int maxLength = options.MaxLength ?? config.MaxSequenceLength ?? SentenceTransformersConfig.ReadTokenizerMaxLength(dir) ?? 512;
        if (maxLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxLength, "MaxLength must be at least 2.");
        }

        var session = OnnxSession.Open(modelPath, options.Session);
        try
        {
            var output = PreferredOutputs.Select(n => session.Outputs.FirstOrDefault(o => o.Name == n)).FirstOrDefault(o => o is not null)
                ?? session.Outputs[0];
            if (output.ElementType != OnnxElementType.Float || output.Shape.Count is not (2 or 3) || output.Shape[^1] <= 0)
            {
                throw new InvalidDataException($"Model '{modelPath}' output '{output.Name}' is {output.ElementType} [{string.Join(", ", output.Shape)}]; expected float [batch, tokens, dim] or [batch, dim].");
            }

            return new OnnxEmbeddingGenerator(new BertSession(session, output.Name), tokenizer, pooling, normalize, maxLength,
                options.BatchSize, (int)output.Shape[^1], Path.GetFileName(dir), options.Progress);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = RefineMemory.Embed.EmbeddingInputs.ToCheckedArray(values);
        return Task.FromResult(Generate(texts, cancellationToken));
    }

    /// <summary>Embeds <paramref name="texts"/> synchronously; the vectors come back in input order.</summary>
    public GeneratedEmbeddings<Embedding<float>> Generate(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var encodings = new BertEncoding[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            encodings[i] = Tokenizer.Encode(texts[i], MaxLength);
        }

        // Group texts of similar length so that padding stays small; results go back to input order.
        int[] order = Enumerable.Range(0, texts.Count).OrderBy(i => encodings[i].Length).ToArray();
        var vectors = new float[texts.Count][];
        var batch = new List<BertEncoding>(_batchSize);
        long tokens = 0;
        for (int start = 0; start < order.Length; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = Math.Min(order.Length, start + _batchSize);
            batch.Clear();
            for (int k = start; k < end; k++)
            {
                batch.Add(encodings[order[k]]);
                tokens += encodings[order[k]].Length;
            }

            var (output, length) = _session.Run(batch, Tokenizer.Vocabulary.PadId, cancellationToken);
            for (int k = start; k < end; k++)
            {
                int b = k - start;
                var vector = new float[Dimension];
                if (_outputRank == 2)
                {
                    output.Data.AsSpan(b * Dimension, Dimension).CopyTo(vector);
                }
                else
                {
                    PoolingKernels.Pool(output.Data.AsSpan(b * length * Dimension, length * Dimension), batch[b].Length, Pooling, vector);
                }

                if (Normalize)
                {
                    PoolingKernels.Normalize(vector);
                }

                vectors[order[k]] = vector;
            }

            _progress?.Report(end);
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = Metadata.DefaultModelId }))
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
        };
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose() => _session.Dispose();
}
