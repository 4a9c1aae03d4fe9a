using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RefineMemory.Onnx.Tokenization;

namespace RefineMemory.Onnx;

/// <summary>
/// Feeds BERT encodings to an ONNX Runtime session: pads a batch to its longest encoding and fills the inputs the
/// model declares (<c>input_ids</c>, and <c>attention_mask</c> / <c>token_type_ids</c> when present, as int64 or
/// int32). Input buffers are rented and handed to ORT without copying; the output stays in ORT's memory until the
/// returned <see cref="BertBatchOutput"/> is disposed. Thread-safe (ORT sessions are).
/// </summary>
internal sealed class BertSession : IDisposable
{
    private static readonly string[] KnownInputs = ["input_ids", "attention_mask", "token_type_ids"];
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _int32;

    public BertSession(InferenceSession session, string modelName, string outputName)
    {
        Session = session;
        ModelName = modelName;
        OutputName = outputName;
        foreach (var (name, meta) in session.InputMetadata)
        {
            if (!KnownInputs.Contains(name, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"Model '{modelName}' has an input '{name}'; a BERT model takes {string.Join(", ", KnownInputs)}.");
            }

            if (meta.ElementDataType is not (TensorElementType.Int64 or TensorElementType.Int32))
            {
                throw new InvalidDataException($"Model '{modelName}' input '{name}' is {meta.ElementDataType}; expected int64 or int32.");
            }
        }

        if (!session.InputMetadata.ContainsKey("input_ids"))
        {
            throw new InvalidDataException($"Model '{modelName}' has no 'input_ids' input.");
        }

        _inputNames = [.. session.InputNames];
        _outputNames = [outputName];
        _int32 = session.InputMetadata.Values.All(m => m.ElementDataType == TensorElementType.Int32);
    }

    public InferenceSession Session { get; }

    /// <summary>The model's file path or resource name, for messages.</summary>
    public string ModelName { get; }

    public string OutputName { get; }

    /// <summary>Runs one padded batch; the caller disposes the result.</summary>
    public BertBatchOutput Run(IReadOnlyList<BertEncoding> batch, int padId, CancellationToken cancellationToken)
    {
        int length = 0;
        for (int b = 0; b < batch.Count; b++)
        {
            length = Math.Max(length, batch[b].Length);
        }

        long[] shape = [batch.Count, length];
        int count = batch.Count * length;
        var inputs = new OrtValue[_inputNames.Length];
        long[]? longs = null;
        int[]? ints = null;
        try
        {
            if (_int32)
            {
                ints = ArrayPool<int>.Shared.Rent(count * _inputNames.Length);
            }
            else
            {
                longs = ArrayPool<long>.Shared.Rent(count * _inputNames.Length);
            }

            for (int i = 0; i < _inputNames.Length; i++)
            {
                int offset = i * count;
                if (ints is not null)
                {
                    Fill(batch, _inputNames[i], padId, length, ints.AsSpan(offset, count));
                    inputs[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ints.AsMemory(offset, count), shape);
                }
                else
                {
                    Fill(batch, _inputNames[i], padId, length, longs.AsSpan(offset, count));
                    inputs[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, longs.AsMemory(offset, count), shape);
                }
            }

            return new BertBatchOutput(RunCancellable(inputs, cancellationToken), length);
        }
        finally
        {
            foreach (var input in inputs)
            {
                input?.Dispose();
            }

            if (longs is not null)
            {
                ArrayPool<long>.Shared.Return(longs);
            }

            if (ints is not null)
            {
                ArrayPool<int>.Shared.Return(ints);
            }
        }
    }

    public void Dispose() => Session.Dispose();

    private IDisposableReadOnlyCollection<OrtValue> RunCancellable(OrtValue[] inputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions)
            : default;
        try
        {
            return Session.Run(runOptions, _inputNames, inputs, _outputNames);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The ONNX Runtime run was cancelled.", cancellationToken);
        }
    }

    private static void Fill<T>(IReadOnlyList<BertEncoding> batch, string input, int padId, int length, Span<T> destination)
        where T : struct, System.Numerics.INumber<T>
    {
        T pad = input == "input_ids" ? T.CreateTruncating(padId) : T.Zero;
        destination.Fill(pad);
        for (int b = 0; b < batch.Count; b++)
        {
            var e = batch[b];
            var row = destination.Slice(b * length, e.Length);
            var source = input switch
            {
                "input_ids" => e.Ids,
                "attention_mask" => null,
                _ => e.TypeIds,
            };
            for (int t = 0; t < row.Length; t++)
            {
                row[t] = source is null ? T.One : T.CreateTruncating(source[t]);
            }
        }
    }
}

/// <summary>One batch's output tensor, read in place from ORT's memory; disposing releases it.</summary>
internal sealed class BertBatchOutput(IDisposableReadOnlyCollection<OrtValue> values, int length) : IDisposable
{
    /// <summary>The padded sequence length of the batch.</summary>
    public int Length { get; } = length;

    /// <summary>The output's values, row-major.</summary>
    public ReadOnlySpan<float> Data => values[0].GetTensorDataAsSpan<float>();

    /// <summary>The output's shape.</summary>
    public long[] Shape => values[0].GetTensorTypeAndShape().Shape;

    public void Dispose() => values.Dispose();
}
