using System.Globalization;

namespace RefineMemory.Evaluation.Datasets;

/// <summary>Reads a CSV file with a header row, one row at a time, with the line each row starts on.</summary>
internal static class CsvRows
{
    public static IEnumerable<CsvRow> Read(string path, params string[] requiredColumns)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
        }

        using var reader = new StreamReader(path);
        var parser = new CsvRecordParser(reader, path);
        if (parser.Next() is not { } headerRecord)
        {
            throw new DatasetFormatException(path, 1, "the file is empty; a header row is expected.");
        }

        string[] header = headerRecord.Fields;
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Length; i++)
        {
            index.TryAdd(header[i].Trim().TrimStart('\uFEFF'), i);
        }

        foreach (string column in requiredColumns)
        {
            if (!index.ContainsKey(column))
            {
                throw new DatasetFormatException(path, 1, $"the header lacks the column '{column}' (it has: {string.Join(", ", header)}).");
            }
        }

        while (parser.Next() is { } record)
        {
            if (record.Fields.Length == 1 && record.Fields[0].Length == 0)
            {
                continue; // a blank line
            }

            if (record.Fields.Length > header.Length)
            {
                throw new DatasetFormatException(path, record.Line, $"the row has {record.Fields.Length} fields but the header has {header.Length}.");
            }

            yield return new CsvRow(path, record.Line, record.Fields, index);
        }
    }
}

/// <summary>One CSV row; <see cref="Get"/> fails with the file and line when a required value is missing.</summary>
internal sealed class CsvRow(string path, int line, string[] fields, IReadOnlyDictionary<string, int> index)
{
    public string Path { get; } = path;

    public int Line { get; } = line;

    public bool Has(string column) => index.TryGetValue(column, out int i) && i < fields.Length;

    public string? Optional(string column) =>
        index.TryGetValue(column, out int i) && i < fields.Length && fields[i].Length > 0 ? fields[i] : null;

    public string Get(string column)
    {
        if (!index.TryGetValue(column, out int i) || i >= fields.Length)
        {
            throw Error($"the row has no value for '{column}' ({fields.Length} fields).");
        }

        if (string.IsNullOrWhiteSpace(fields[i]))
        {
            throw Error($"'{column}' is empty.");
        }

        return fields[i];
    }

    public float GetLabel(string column)
    {
        string raw = Get(column);
        if (!float.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out float label) || !float.IsFinite(label) || label < 0)
        {
            throw Error($"'{column}' is '{raw}'; a label must be a number >= 0 (0 = not relevant).");
        }

        return label;
    }

    public DatasetFormatException Error(string problem) => new(Path, Line, problem);
}
