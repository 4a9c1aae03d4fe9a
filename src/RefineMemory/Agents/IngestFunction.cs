using System.Text.Json;
using Microsoft.Extensions.AI;
using RefineMemory.Memory;

namespace RefineMemory.Agents;

/// <summary>
/// Ingest as an <see cref="AIFunction"/>: stores documents given inline (or, when the host allows it, read
/// from a file or folder path) in a collection, and answers with counts of what changed.
/// </summary>
public sealed class IngestFunction : AIFunction
{
    private readonly IMemoryStore _store;
    private readonly RefineMemoryToolOptions _options;
    private readonly IngestOptions _ingestOptions;
    private readonly JsonElement _schema;

    /// <summary>The ingest tool over <paramref name="store"/>, with the tool limits and chunking of the options.</summary>
    public IngestFunction(IMemoryStore store, RefineMemoryToolOptions? options = null, IngestOptions? ingestOptions = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _options = options ?? new RefineMemoryToolOptions();
        _options.Validate();
        _ingestOptions = ingestOptions ?? new IngestOptions();
        _ingestOptions.Validate();
        _store = store;
        _schema = BuildSchema(_options);
    }

    /// <inheritdoc />
    public override string Name => _options.IngestName;

    /// <inheritdoc />
    public override string Description => _options.AllowPathIngest
        ? "Stores documents in the memory so that search can find them: either 'documents' (id, text, optional source and metadata tags) or a 'path' to a .txt/.md/.jsonl file or a folder. Unchanged documents are skipped."
        : "Stores documents in the memory so that search can find them: 'documents' with id, text, optional source and metadata tags. Unchanged documents are skipped.";

    /// <inheritdoc />
    public override JsonElement JsonSchema => _schema;

    /// <summary>The schema of the JSON this tool returns (counts of what changed), for hosts that check results.</summary>
    public override JsonElement? ReturnJsonSchema => ToolOutputSchemas.Ingest;

    /// <summary>
    /// Stores the documents. A host that shows progress puts an <see cref="IProgress{T}"/> of
    /// <see cref="IngestProgress"/> in <see cref="AIFunctionArguments.Services"/>; it gets a report after each
    /// document and each embedding call, because embedding a large document is slow.
    /// </summary>
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string? path = ToolArguments.String(arguments, "path", required: false);
        if (path is not null && !_options.AllowPathIngest)
        {
            // Said before the unknown-argument check: 'path' is a parameter this host turned off, not a typo.
            throw new ToolArgumentException("This host does not allow ingesting from a path; pass 'documents' instead.", "path");
        }

        ToolArguments.RejectUnknown(arguments, Name, _schema);
        string collection = ToolArguments.String(arguments, "collection", required: _options.DefaultCollection is null) ?? _options.DefaultCollection!;
        JsonElement? inline = ToolArguments.Element(arguments, "documents");

        if ((path is null) == (inline is null))
        {
            throw new ToolArgumentException(_options.AllowPathIngest ? "Pass exactly one of 'documents' or 'path'." : "The required argument 'documents' is missing.", "documents");
        }

        DocumentReadResult read = path is not null
            ? await DocumentReader.ReadAsync(AllowedPath(path), null, cancellationToken).ConfigureAwait(false)
            : new DocumentReadResult(ParseDocuments(inline!.Value, _options), []);
        if (read.Documents.Count == 0)
        {
            throw new ToolArgumentException("There are no documents to ingest.", path is null ? "documents" : "path");
        }

        var progress = arguments.Services?.GetService(typeof(IProgress<IngestProgress>)) as IProgress<IngestProgress>;
        var result = await _store.IngestAsync(collection, read.Documents, _ingestOptions, progress, cancellationToken).ConfigureAwait(false);
        var answer = new Dictionary<string, object>
        {
            ["collection"] = result.Collection,
            ["added"] = result.Added,
            ["updated"] = result.Updated,
            ["unchanged"] = result.Unchanged,
            ["chunks"] = result.Chunks,
        };
        if (result.DuplicateIds.Count > 0)
        {
            answer["duplicate_ids"] = result.DuplicateIds; // given more than once: the last copy was stored
        }

        if (result.Replication is { } replication)
        {
            // A search on a standby sees this ingest once the standby has replayed it: say where they stood.
            answer["standbys"] = new Dictionary<string, object?>
            {
                ["count"] = replication.Standbys,
                ["replayed"] = replication.Replayed,
                ["lag_bytes"] = replication.MaxLagBytes,
                ["waited_ms"] = Math.Round(replication.Waited.TotalMilliseconds),
            };
        }

        if (read.Skipped.Count > 0)
        {
            answer["skipped"] = read.Skipped.Select(p => p.ToString()).ToArray();
        }

        return JsonSerializer.SerializeToElement(answer);
    }

    /// <summary>The real path of <paramref name="path"/> when it lies within an allowed root, else an argument error.</summary>
    private string AllowedPath(string path)
    {
        string? real;
        try
        {
            real = RealPath.Resolve(path);
        }
        catch (IOException ex)
        {
            throw new ToolArgumentException($"The path '{path}' cannot be resolved: {ex.Message}", "path");
        }

        foreach (string root in _options.AllowedPathRoots)
        {
            if (real is not null && RealPath.Resolve(root) is { } allowed && RealPath.IsWithin(real, allowed))
            {
                return real;
            }
        }

        // Whether the path exists is not revealed unless it is allowed.
        throw new ToolArgumentException($"The path '{path}' is not within a folder this host allows ingesting from ({string.Join(", ", _options.AllowedPathRoots)}).", "path");
    }

    private static List<MemoryDocument> ParseDocuments(JsonElement e, RefineMemoryToolOptions options)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new ToolArgumentException("The argument 'documents' must be an array of {id, text} objects.", "documents");
        }

        var documents = new List<MemoryDocument>();
        long total = 0;
        int i = 0;
        foreach (var d in e.EnumerateArray())
        {
            string where = $"documents[{i++}]";
            if (d.ValueKind != JsonValueKind.Object)
            {
                throw new ToolArgumentException($"{where} must be an object with 'id' and 'text'.", "documents");
            }

            foreach (var p in d.EnumerateObject())
            {
                if (p.Name is not ("id" or "text" or "source" or "metadata"))
                {
                    throw new ToolArgumentException($"{where} has the field '{p.Name}'; a document has only 'id', 'text', 'source' and 'metadata'.", "documents");
                }
            }

            string? id = d.TryGetProperty("id", out var idE) && idE.ValueKind == JsonValueKind.String ? idE.GetString() : null;
            string? text = d.TryGetProperty("text", out var textE) && textE.ValueKind == JsonValueKind.String ? textE.GetString() : null;
            if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(text))
            {
                throw new ToolArgumentException($"{where} needs a non-empty string 'id' and 'text'.", "documents");
            }

            total += text.Length;
            CheckSize(where, text.Length, total, options);

            string? source = d.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var metadata = d.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? ToolArguments.TagsOf(m, where + ".metadata") : null;
            documents.Add(new MemoryDocument(id, text, source, metadata));
        }

        return documents;
    }

    /// <summary>Refuses inline text past the limits before anything is embedded, so the caller hears at once.</summary>
    private static void CheckSize(string where, int chars, long total, RefineMemoryToolOptions options)
    {
        const string Instead = "ingest larger documents from a file (a 'path' the host allows) or with `refine ingest`";
        if (chars > options.MaxInlineDocumentChars)
        {
            throw new ToolArgumentException(FormattableString.Invariant($"{where}.text has {chars:N0} characters; this host takes at most {options.MaxInlineDocumentChars:N0} per inline document ({Instead})."), "documents");
        }

        if (total > options.MaxInlineTotalChars)
        {
            throw new ToolArgumentException(FormattableString.Invariant($"The documents up to {where} have {total:N0} characters of text; this host takes at most {options.MaxInlineTotalChars:N0} per call (split them over several calls, or {Instead})."), "documents");
        }
    }

    private static JsonElement BuildSchema(RefineMemoryToolOptions options)
    {
        var document = new Dictionary<string, object>
        {
            ["type"] = "object",
            ["properties"] = new Dictionary<string, object>
            {
                ["id"] = new { type = "string", description = "A stable id; ingesting the same id again replaces the document." },
                ["text"] = new { type = "string", maxLength = options.MaxInlineDocumentChars },
                ["source"] = new { type = "string", description = "Where it came from (URL, file), returned as the citation." },
                ["metadata"] = new { type = "object", additionalProperties = new { type = "string" } },
            },
            ["required"] = new[] { "id", "text" },
            ["additionalProperties"] = false,
        };
        var properties = new Dictionary<string, object>
        {
            ["collection"] = new { type = "string", description = "The collection to store into (created if missing)." },
            ["documents"] = new { type = "array", items = document, minItems = 1 },
        };
        if (options.AllowPathIngest)
        {
            properties["path"] = new { type = "string", description = "A .txt, .md or .jsonl file, or a folder of them, on the server's machine." };
        }

        return JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = options.DefaultCollection is null ? new[] { "collection" } : Array.Empty<string>(),
            ["additionalProperties"] = false,
        });
    }
}
