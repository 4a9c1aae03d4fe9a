using System.Text.Json;

namespace RefineMemory.Memory;

/// <summary>
/// Reads files into <see cref="MemoryDocument"/>s: <c>.txt</c> and <c>.md</c> files become one document each
/// (id = the path relative to the folder read, source = the full path); each line of a <c>.jsonl</c> file is a
/// document <c>{"id": ..., "text": ..., "source": ..., "metadata": {"tag": "value"}}</c> (<c>text</c> required).
/// Folders are walked by <see cref="FolderWalker"/>: each real file once, links that dangle, loop or leave the
/// folder skipped and reported, cancellation honoured, at most <see cref="DocumentReadOptions.MaxFiles"/> files.
/// </summary>
public static class DocumentReader
{
    private static readonly string[] Supported = [".txt", ".text", ".md", ".markdown", ".jsonl"];

    /// <summary>Reads a file, or every supported file under a folder; what was skipped is not reported (see the other overload).</summary>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="ArgumentException">The file's extension is not supported.</exception>
    /// <exception cref="InvalidDataException">A JSONL line is malformed (the message names file and line), or a limit was passed.</exception>
    public static async Task<IReadOnlyList<MemoryDocument>> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        (await ReadAsync(path, null, cancellationToken).ConfigureAwait(false)).Documents;

    /// <summary>
    /// Reads a file, or every supported file under a folder (depth first, ordinal name order), and lists the
    /// entries it skipped (dangling, looping or outside links, unreadable folders) with the reason.
    /// </summary>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="ArgumentException">The file's extension is not supported.</exception>
    /// <exception cref="InvalidDataException">A JSONL line is malformed (the message names file and line), or a limit was passed.</exception>
    /// <exception cref="IOException">The path itself is a link loop, or a file cannot be read.</exception>
    public static async Task<DocumentReadResult> ReadAsync(string path, DocumentReadOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new DocumentReadOptions();
        options.Validate();
        string full = RealPath.Resolve(path) ?? throw new FileNotFoundException($"No file or folder at '{Path.GetFullPath(path)}'.", Path.GetFullPath(path));
        var documents = new List<MemoryDocument>();
        if (Directory.Exists(full))
        {
            var walker = new FolderWalker(full, options, f => Supported.Contains(Path.GetExtension(f).ToLowerInvariant()));
            foreach (var (file, relative) in walker.Files(cancellationToken))
            {
                await ReadFileAsync(file, relative, options, documents, cancellationToken).ConfigureAwait(false);
            }

            return new DocumentReadResult(documents, walker.Skipped);
        }

        string ext = Path.GetExtension(full).ToLowerInvariant();
        if (!Supported.Contains(ext))
        {
            throw new ArgumentException($"'{full}' has extension '{ext}'; supported: {string.Join(", ", Supported)}.", nameof(path));
        }

        await ReadFileAsync(full, Path.GetFileName(full), options, documents, cancellationToken).ConfigureAwait(false);
        return new DocumentReadResult(documents, []);
    }

    private static async Task ReadFileAsync(string file, string id, DocumentReadOptions options, List<MemoryDocument> documents, CancellationToken cancellationToken)
    {
        long length = new FileInfo(file).Length;
        if (length > options.MaxFileBytes)
        {
            throw new InvalidDataException(FormattableString.Invariant(
                $"'{file}' has {length:N0} bytes, more than the limit of {options.MaxFileBytes:N0} (DocumentReadOptions.MaxFileBytes); nothing was read."));
        }

        string ext = Path.GetExtension(file).ToLowerInvariant();
        if (ext == ".jsonl")
        {
            using var reader = new StreamReader(file);
            int lineNumber = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                lineNumber++;
                if (!string.IsNullOrWhiteSpace(line))
                {
                    documents.Add(ParseJsonLine(line, file, lineNumber));
                }
            }

            return;
        }

        string text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        var format = ext is ".md" or ".markdown" ? DocumentFormat.Markdown : DocumentFormat.Text;
        documents.Add(new MemoryDocument(id, text, file, null, format));
    }

    private static MemoryDocument ParseJsonLine(string line, string file, int lineNumber)
    {
        string where = $"{file} line {lineNumber}";
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: not valid JSON ({ex.Message}).", ex);
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{where}: expected a JSON object, got {root.ValueKind}.");
            }

            if (!root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"{where}: the required string property \"text\" is missing.");
            }

            string id = root.TryGetProperty("id", out var idElement)
                ? idElement.ValueKind switch
                {
                    JsonValueKind.String => idElement.GetString()!,
                    JsonValueKind.Number => idElement.GetRawText(),
                    _ => throw new InvalidDataException($"{where}: \"id\" must be a string or a number."),
                }
                : FormattableString.Invariant($"{Path.GetFileName(file)}:{lineNumber}");
            if (string.IsNullOrWhiteSpace(id))
            {
                throw new InvalidDataException($"{where}: \"id\" is empty.");
            }

            string source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : where;
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("metadata", out var m))
            {
                if (m.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{where}: \"metadata\" must be an object of tags.");
                }

                foreach (var p in m.EnumerateObject())
                {
                    metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                }
            }

            return new MemoryDocument(id, textElement.GetString()!, source, metadata);
        }
    }
}
