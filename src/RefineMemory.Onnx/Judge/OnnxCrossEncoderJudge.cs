using System.Diagnostics;
using RefineMemory.Judge;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RefineMemory.Onnx.Tokenization;

namespace RefineMemory.Onnx.Judge;

/// <summary>
/// A cross-encoder relevance judge (e.g. cross-encoder/ms-marco-MiniLM-L-6-v2, the judge of the paper's ReFIT
/// mode): each (query, document) pair is encoded as <c>[CLS] query [SEP] document [SEP]</c> and the model's logit
/// becomes a score by the sigmoid (one logit) or the softmax probability of the last class (two or more logits).
/// A batch the runtime fails on leaves its documents unscored (<see cref="JudgeFailureKind.Other"/>), never guessed.
/// </summary>
public sealed class OnnxCrossEncoderJudge : IRelevanceJudge, IDisposable
{
    private readonly BertSession _session;
    private readonly OnnxCrossEncoderOptions _options;
    private readonly int _labels;

    private OnnxCrossEncoderJudge(BertSession session, BertTokenizer tokenizer, int maxLength, int labels, OnnxCrossEncoderOptions options)
    {
        _session = session;
        Tokenizer = tokenizer;
        MaxLength = maxLength;
        _labels = labels;
        _options = options;
    }

    /// <summary>The tokenizer of the model's vocabulary.</summary>
    public BertTokenizer Tokenizer { get; }

    /// <summary>Tokens of a (query, document) pair at most; longer pairs are truncated.</summary>
    public int MaxLength { get; }

    /// <summary>Opens the cross-encoder in <paramref name="directory"/> (model.onnx with a [batch, labels] float output, vocab.txt or tokenizer.json).</summary>
    public static OnnxCrossEncoderJudge FromModelDirectory(string directory, OnnxCrossEncoderOptions? options = null)
    {
        options ??= new OnnxCrossEncoderOptions();
        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        }

        string dir = ModelFolder.RequireDirectory(directory);
        string modelPath = ModelFolder.FindModel(dir, options.ModelFile);
        var tokenizer = BertTokenizer.FromDirectory(dir);
        int maxLength = options.MaxLength ?? Embed.SentenceTransformersConfig.ReadTokenizerMaxLength(dir) ?? 512;
        if (maxLength < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxLength, "MaxLength must be at least 3.");
        }

        var session = OnnxSessions.Open(modelPath, options.Session);
        try
        {
            string name = session.OutputMetadata.ContainsKey("logits") ? "logits" : session.OutputNames[0];
            var output = session.OutputMetadata[name];
            if (output.ElementDataType != TensorElementType.Float || output.Dimensions.Length != 2 || output.Dimensions[1] < 1)
            {
                throw new InvalidDataException($"Cross-encoder '{modelPath}' output '{name}' is {output.ElementDataType} [{string.Join(", ", output.Dimensions)}]; expected float [batch, labels].");
            }

            return new OnnxCrossEncoderJudge(new BertSession(session, modelPath, name), tokenizer, maxLength, output.Dimensions[1], options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(Judge(request, cancellationToken));
    }

    /// <summary>The raw logits of each pair (first column), for parity checks and ranking.</summary>
    public float[] Logits(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentNullException.ThrowIfNull(documents);
        var logits = new float[documents.Count * _labels];
        for (int start = 0; start < documents.Count; start += _options.BatchSize)
        {
            int end = Math.Min(documents.Count, start + _options.BatchSize);
            var batch = new List<BertEncoding>(end - start);
            for (int i = start; i < end; i++)
            {
                batch.Add(Tokenizer.EncodePair(query, documents[i], MaxLength));
            }

            using var output = _session.Run(batch, Tokenizer.Vocabulary.PadId, cancellationToken);
            output.Data[..(batch.Count * _labels)].CopyTo(logits.AsSpan(start * _labels));
        }

        return _labels == 1 ? logits : Enumerable.Range(0, documents.Count).Select(i => logits[i * _labels]).ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    private JudgeResult Judge(JudgeRequest request, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        string query = _options.PrependInstruction && !string.IsNullOrWhiteSpace(request.Instruction)
            ? $"{request.Instruction} {request.Query}"
            : request.Query;
        var documents = request.Documents;
        var judgments = new RelevanceJudgment[documents.Count];
        var latencies = new List<TimeSpan>();
        for (int start = 0; start < documents.Count; start += _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = Math.Min(documents.Count, start + _options.BatchSize);
            var batch = new List<BertEncoding>(end - start);
            for (int i = start; i < end; i++)
            {
                batch.Add(Tokenizer.EncodePair(query, documents[i].Text ?? string.Empty, MaxLength));
            }

            var call = Stopwatch.StartNew();
            try
            {
                using var output = _session.Run(batch, Tokenizer.Vocabulary.PadId, cancellationToken);
                for (int i = start; i < end; i++)
                {
                    judgments[i] = RelevanceJudgment.Scored(documents[i].Id, Score(output.Data.Slice((i - start) * _labels, _labels)));
                }
            }
            catch (OnnxRuntimeException ex)
            {
                for (int i = start; i < end; i++)
                {
                    judgments[i] = RelevanceJudgment.Failed(documents[i].Id, JudgeFailureKind.Other, ex.Message);
                }
            }

            latencies.Add(call.Elapsed);
        }

        var summary = JudgeDiagnostics.Summarise(judgments);
        return new JudgeResult(judgments, new JudgeDiagnostics
        {
            Judged = summary.Judged,
            Failed = summary.Failed,
            FailuresByKind = summary.FailuresByKind,
            Calls = latencies.Count,
            CallLatencies = latencies,
            Elapsed = watch.Elapsed,
        });
    }

    /// <summary>Sigmoid of a single logit; with several labels the softmax probability of the last ("relevant") one.</summary>
    private static float Score(ReadOnlySpan<float> logits)
    {
        if (logits.Length == 1)
        {
            return (float)(1.0 / (1.0 + Math.Exp(-logits[0])));
        }

        float max = float.MinValue;
        foreach (float l in logits)
        {
            max = Math.Max(max, l);
        }

        double sum = 0;
        foreach (float l in logits)
        {
            sum += Math.Exp(l - max);
        }

        return (float)(Math.Exp(logits[^1] - max) / sum);
    }
}
