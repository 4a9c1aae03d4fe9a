namespace RefineMemory.Memory;

/// <summary>A document to ingest: its id, its text, where it came from, and metadata tags for filtering.</summary>
public sealed class MemoryDocument
{
    /// <summary>A document to ingest, with its source, metadata and format.</summary>
    public MemoryDocument(string id, string text, string? source = null, IReadOnlyDictionary<string, string>? metadata = null, DocumentFormat format = DocumentFormat.Text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(text);
        Id = id;
        Text = text;
        Source = source;
        Metadata = metadata ?? new Dictionary<string, string>(StringComparer.Ordinal);
        Format = format;
    }

    /// <summary>The document's id, unique in its collection.</summary>
    public string Id { get; }

    /// <summary>The document's text.</summary>
    public string Text { get; }

    /// <summary>Where the document came from (a file path, a URL), quoted as the citation.</summary>
    public string? Source { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>How the text is split: plain text by size, Markdown at headings first.</summary>
    public DocumentFormat Format { get; }
}

/// <summary>The structure the chunker looks for in a document's text.</summary>
public enum DocumentFormat
{
    /// <summary>Plain text.</summary>
    Text,
    /// <summary>Markdown, chunked along its headings.</summary>
    Markdown,
}
