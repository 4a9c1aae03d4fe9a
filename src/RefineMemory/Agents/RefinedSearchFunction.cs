using System.Text.Json;
using Microsoft.Extensions.AI;
using RefineMemory.Memory;
using RefineMemory.Search;

namespace RefineMemory.Agents;

/// <summary>
/// The refined search as an <see cref="AIFunction"/>: a model calls it with a query and gets compact JSON
/// back, each result carrying its citation (chunk id, document id, source) and its rank before refinement.
/// </summary>
public sealed class RefinedSearchFunction : AIFunction
{
    private readonly RefinedSearch _search;
    private readonly RefineMemoryToolOptions _options;
    private readonly JsonElement _schema;

    /// <summary>The search tool over <paramref name="search"/>, with the tool names and limits of <paramref name="options"/>.</summary>
    public RefinedSearchFunction(RefinedSearch search, RefineMemoryToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(search);
        _options = options ?? new RefineMemoryToolOptions();
        _options.Validate();
        _search = search;
        _schema = BuildSchema(_options, search.Options.Refine);
    }

    /// <inheritdoc />
    public override string Name => _options.SearchName;

    /// <summary>What the search tool does: refined search, or plain similarity when the host turned refinement off.</summary>
    public override string Description => _search.Options.Refine
        ? "Searches the memory for passages relevant to a query. Results are re-ranked after an LLM judges a sample " +
          "of candidates, so they fit the query's intent more closely than plain similarity. Returns JSON: results " +
          "best first with id, document, source (cite these), score and text."
        : "Searches the memory for passages relevant to a query by plain similarity of embeddings (this server does " +
          "not refine results with an LLM judge). Returns JSON: results best first with id, document, source (cite " +
          "these), score and text.";

    /// <inheritdoc />
    public override JsonElement JsonSchema => _schema;

    /// <summary>The schema of the JSON this tool returns (<see cref="ToJson"/>), for hosts that check results.</summary>
    public override JsonElement? ReturnJsonSchema => ToolOutputSchemas.Search;

    /// <inheritdoc />
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ToolArguments.RejectUnknown(arguments, Name, _schema);
        string query = ToolArguments.String(arguments, "query", required: true, _options.MaxQueryChars)!;
        string collection = ToolArguments.String(arguments, "collection", required: _options.DefaultCollection is null) ?? _options.DefaultCollection!;
        bool? refine = ToolArguments.Bool(arguments, "refine");
        var request = new RefinedVectorSearchRequest<MemoryRecord>
        {
            // A host that turned refinement off has no judge to ask: the argument cannot turn it back on.
            Refine = _search.Options.Refine ? refine : false,
            Instruction = ToolArguments.String(arguments, "instruction", required: false, _options.MaxQueryChars),
            SearchOptions = new() { Filter = MemoryRecord.TagFilter(ToolArguments.Tags(arguments, "filter")) },
        };
        int? top = ToolArguments.Int(arguments, "top", 1, _options.MaxTop);
        var result = await _search.SearchAsync(collection, query, top, request, cancellationToken).ConfigureAwait(false);
        return Write(result, _options.MaxTextChars, _search.Options.Refine ? null : PlainSearchNote);
    }

    /// <summary>The compact JSON a model receives for <paramref name="result"/>.</summary>
    public static JsonElement ToJson(RefinedSearchResult result, int maxTextChars = 1000)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Write(result, maxTextChars, null);
    }

    /// <summary>The note of a host that serves plain similarity: it says what the server does, not what the caller did.</summary>
    private const string PlainSearchNote = "this server serves plain similarity search: refinement with an LLM judge is off";

    private static JsonElement Write(RefinedSearchResult result, int maxTextChars, string? skippedNote)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("collection", result.Collection);
            w.WriteString("query", result.Query);
            w.WriteBoolean("refined", result.Diagnostics.Refined);
            if ((skippedNote ?? result.Diagnostics.SkippedReason) is { } reason)
            {
                w.WriteString("note", reason);
            }
            else
            {
                w.WriteNumber("judged", result.Diagnostics.Judged.Count(j => j.Score.HasValue));
                if (result.Diagnostics.Note is { } note)
                {
                    w.WriteString("note", note);
                }
            }

            w.WriteStartArray("results");
            foreach (var hit in result.Hits)
            {
                w.WriteStartObject();
                w.WriteNumber("rank", hit.Rank);
                if (hit.RankBefore is { } rankBefore)
                {
                    w.WriteNumber("rank_before", rankBefore);
                }
                else
                {
                    w.WriteNull("rank_before"); // below the first search's depth in a store searched in the server
                }

                w.WriteString("id", hit.Id);
                w.WriteString("document", hit.DocumentId);
                if (hit.Source is not null)
                {
                    w.WriteString("source", hit.Source);
                }

                w.WriteNumber("score", Math.Round(hit.Score, 4));
                w.WriteString("text", hit.Text.Length <= maxTextChars ? hit.Text : string.Concat(hit.Text.AsSpan(0, maxTextChars - 1), "…"));
                if (hit.Metadata.Count > 0)
                {
                    w.WriteStartObject("metadata");
                    foreach (var (k, v) in hit.Metadata)
                    {
                        w.WriteString(k, v);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("elapsed_ms", Math.Round(result.Diagnostics.TotalTime.TotalMilliseconds));
            w.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    private static JsonElement BuildSchema(RefineMemoryToolOptions options, bool refines)
    {
        string refineDescription = refines
            ? "Whether to refine with LLM feedback (default true); false is faster."
            : "Has no effect: this server serves plain similarity search (refinement is off).";
        var properties = new Dictionary<string, object>
        {
            ["query"] = new { type = "string", maxLength = options.MaxQueryChars, description = "What to look for, in natural language." },
            ["collection"] = new { type = "string", description = options.DefaultCollection is null ? "The collection to search." : $"The collection to search (default '{options.DefaultCollection}')." },
            ["top"] = new { type = "integer", minimum = 1, maximum = options.MaxTop, description = "How many results to return (default 10)." },
            ["refine"] = new { type = "boolean", description = refineDescription },
            ["instruction"] = new { type = "string", maxLength = options.MaxQueryChars, description = "Optional task instruction defining relevance, e.g. 'Given a question, find passages that answer it.'" },
            ["filter"] = new { type = "object", additionalProperties = new { type = "string" }, description = "Optional metadata tags every result must have, e.g. {\"lang\": \"en\"}." },
        };
        string[] required = options.DefaultCollection is null ? ["query", "collection"] : ["query"];
        return JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = required,
            ["additionalProperties"] = false,
        });
    }
}
