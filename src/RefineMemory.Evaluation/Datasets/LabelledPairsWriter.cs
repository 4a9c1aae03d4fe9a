using System.Text.Json;

namespace RefineMemory.Evaluation.Datasets;

/// <summary>Writes a set in the labelled-pairs JSON-lines format that <see cref="LabelledPairsLoader"/> reads.</summary>
public static class LabelledPairsWriter
{
    /// <summary>Writes <paramref name="dataset"/> to <paramref name="path"/> as labelled (query, document, label) pairs, one JSON object a line.</summary>
    public static void WriteJsonLines(EvalDataset dataset, string path)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream);
        foreach (var q in dataset.Queries)
        {
            for (int i = 0; i < q.Pool.Count; i++)
            {
                writer.Reset();
                writer.WriteStartObject();
                writer.WriteString("query", q.Text);
                writer.WriteString("document", dataset.Documents[q.Pool[i]].Text);
                writer.WriteNumber("label", q.Labels[i]);
                if (q.Instruction is not null)
                {
                    writer.WriteString("instruction", q.Instruction);
                }

                writer.WriteEndObject();
                writer.Flush();
                stream.WriteByte((byte)'\n');
            }
        }
    }
}
