using System.Text;
using System.Text.Json;
using System.Text.Unicode;

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
    /// <exception cref="IOException">The path itself is a link loop, a FIFO, a device or a socket, or a file cannot be read.</exception>
    public static async Task<DocumentReadResult> ReadAsync(string path, DocumentReadOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new DocumentReadOptions();
        options.Validate();
        string full = RealPath.Resolve(path) ?? throw new FileNotFoundException($"No file or folder at '{Path.GetFullPath(path)}'.", Path.GetFullPath(path));
        var documents = new List<MemoryDocument>();
        var warnings = new List<string>();
        if (Directory.Exists(full))
        {
            var walker = new FolderWalker(full, options, f => Supported.Contains(Path.GetExtension(f).ToLowerInvariant()));
            foreach (var (file, relative) in walker.Files(cancellationToken))
            {
                await ReadFileAsync(file, relative, options, documents, warnings, cancellationToken).ConfigureAwait(false);
            }

            return new DocumentReadResult(documents, walker.Skipped) { Warnings = warnings, Folder = full };
        }

        if (FileKind.NotRegular(full) is { } kind)
        {
            throw new IOException($"'{Path.GetFullPath(path)}' is {kind}, not a regular file; only regular files are read (a FIFO would wait for a writer, a device read without end).");
        }

        string ext = Path.GetExtension(full).ToLowerInvariant();
        if (!Supported.Contains(ext))
        {
            throw new ArgumentException($"'{full}' has extension '{ext}'; supported: {string.Join(", ", Supported)}.", nameof(path));
        }

        await ReadFileAsync(full, Path.GetFileName(full), options, documents, warnings, cancellationToken).ConfigureAwait(false);
        return new DocumentReadResult(documents, []) { Warnings = warnings };
    }

    private static async Task ReadFileAsync(string file, string id, DocumentReadOptions options, List<MemoryDocument> documents, List<string> warnings, CancellationToken cancellationToken)
    {
        string text = await ReadTextAsync(file, options, warnings, cancellationToken).ConfigureAwait(false);
        string ext = Path.GetExtension(file).ToLowerInvariant();
        if (ext == ".jsonl")
        {
            using var reader = new StringReader(text);
            int lineNumber = 0;
            while (reader.ReadLine() is { } line)
            {
                cancellationToken.ThrowIfCancellationRequested();
                lineNumber++;
                if (!string.IsNullOrWhiteSpace(line))
                {
                    documents.Add(ParseJsonLine(line, file, lineNumber));
                }
            }

            return;
        }

        var format = ext is ".md" or ".markdown" ? DocumentFormat.Markdown : DocumentFormat.Text;
        documents.Add(new MemoryDocument(id, text, file, null, format));
    }

    /// <summary>
    /// The file's text, read to at most <see cref="DocumentReadOptions.MaxFileBytes"/> however large it claims to be
    /// (a file that grows, or a device that slipped past the kind check, cannot take the memory). UTF-8 (a BOM of
    /// UTF-8, UTF-16 or UTF-32 is honoured); invalid bytes become U+FFFD and the file is named in <paramref name="warnings"/>,
    /// so that nobody finds replacement characters in search results without having been told.
    /// </summary>
    private static async Task<string> ReadTextAsync(string file, DocumentReadOptions options, List<string> warnings, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            long claimed = stream.CanSeek ? stream.Length : 0;
            if (claimed > options.MaxFileBytes)
            {
                throw TooLarge(file, claimed.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), options);
            }

            buffer.Capacity = (int)Math.Min(claimed, Array.MaxLength);
            byte[] chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > options.MaxFileBytes)
                {
                    throw TooLarge(file, "more", options);
                }

                buffer.Write(chunk, 0, read);
            }
        }

        return Decode(buffer, file, warnings);
    }

    // Decoded from the buffer in place: a large file is not copied once more on its way to a string.
    private static string Decode(MemoryStream buffer, string file, List<string> warnings)
    {
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] or [0, 0, 0xFE, 0xFF, ..])
        {
            // UTF-16 or UTF-32, as its byte order mark says.
            buffer.Position = 0;
            using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
            return reader.ReadToEnd();
        }

        var utf8 = bytes[(bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0)..];
        if (!Utf8.IsValid(utf8))
        {
            warnings.Add(FormattableString.Invariant($"{file}: not valid UTF-8 (the first invalid byte at offset {bytes.Length - utf8.Length + FirstInvalid(utf8)}); each invalid sequence was read as U+FFFD."));
        }

        return Encoding.UTF8.GetString(utf8); // invalid sequences become U+FFFD
    }

    private static int FirstInvalid(ReadOnlySpan<byte> utf8)
    {
        char[] scratch = new char[4096];
        int offset = 0;
        while (Utf8.ToUtf16(utf8[offset..], scratch, out int read, out _, replaceInvalidSequences: false) == System.Buffers.OperationStatus.DestinationTooSmall)
        {
            offset += read;
        }

        Utf8.ToUtf16(utf8[offset..], scratch, out int valid, out _, replaceInvalidSequences: false);
        return offset + valid;
    }

    private static InvalidDataException TooLarge(string file, string bytes, DocumentReadOptions options) => new(FormattableString.Invariant(
        $"'{file}' has {bytes} bytes, more than the limit of {options.MaxFileBytes:N0} (DocumentReadOptions.MaxFileBytes); nothing was read."));

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
