using RefineMemory.Onnx.Native;
using RefineMemory.Onnx.Tokenization;

namespace RefineMemory.Onnx;

/// <summary>
/// Feeds BERT encodings to an ONNX session: pads a batch to its longest encoding and fills the inputs the model
/// declares (<c>input_ids</c>, and <c>attention_mask</c> / <c>token_type_ids</c> when present, as int64 or int32).
/// </summary>
internal sealed class BertSession : IDisposable
{
    private static readonly string[] KnownInputs = ["input_ids", "attention_mask", "token_type_ids"];
    private readonly bool _int32;

    public BertSession(OnnxSession session, string outputName)
    {
        Session = session;
        OutputName = outputName;
        foreach (var input in session.Inputs)
        {
            if (!KnownInputs.Contains(input.Name, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"Model '{session.ModelPath}' has an input '{input.Name}'; a BERT model takes {string.Join(", ", KnownInputs)}.");
            }

            if (input.ElementType is not (OnnxElementType.Int64 or OnnxElementType.Int32))
            {
                throw new InvalidDataException($"Model '{session.ModelPath}' input '{input.Name}' is {input.ElementType}; expected int64 or int32.");
            }
        }

        if (!session.Inputs.Any(i => i.Name == "input_ids"))
        {
            throw new InvalidDataException($"Model '{session.ModelPath}' has no 'input_ids' input.");
        }

        _int32 = session.Inputs.All(i => i.ElementType == OnnxElementType.Int32);
    }

    public OnnxSession Session { get; }

    public string OutputName { get; }

    /// <summary>Runs one padded batch; returns the output and the padded length.</summary>
    public (OnnxOutput Output, int Length) Run(IReadOnlyList<BertEncoding> batch, int padId, CancellationToken cancellationToken)
    {
        int length = batch.Max(e => e.Length);
        int count = batch.Count * length;
        var ids = new long[count];
        var mask = new long[count];
        var types = new long[count];
        for (int b = 0; b < batch.Count; b++)
        {
            var e = batch[b];
            int offset = b * length;
            for (int t = 0; t < length; t++)
            {
                bool real = t < e.Length;
                ids[offset + t] = real ? e.Ids[t] : padId;
                mask[offset + t] = real ? 1 : 0;
                types[offset + t] = real ? e.TypeIds[t] : 0;
            }
        }

        var inputs = new List<OnnxInput>(3);
        foreach (var input in Session.Inputs)
        {
            long[] data = input.Name switch
            {
                "input_ids" => ids,
                "attention_mask" => mask,
                _ => types,
            };
            inputs.Add(_int32
                ? OnnxInput.Int32(input.Name, Array.ConvertAll(data, v => (int)v), batch.Count, length)
                : OnnxInput.Int64(input.Name, data, batch.Count, length));
        }

        var output = Session.Run(inputs, [OutputName], cancellationToken)[0];
        return (output, length);
    }

    public void Dispose() => Session.Dispose();
}
