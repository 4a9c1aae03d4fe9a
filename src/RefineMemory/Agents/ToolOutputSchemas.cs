using System.Text.Json;

namespace RefineMemory.Agents;

/// <summary>
/// The JSON schemas of what the tools return, so that hosts that check results (MCP's <c>outputSchema</c> and
/// <c>structuredContent</c>) know each field's type. They list the fields <see cref="RefinedSearchFunction.ToJson"/>
/// and <see cref="IngestFunction"/> write; a field added there without a line here fails the MCP server tests,
/// which validate every result against these schemas.
/// </summary>
internal static class ToolOutputSchemas
{
    public static JsonElement Search { get; } = Parse("""
        {
          "type": "object",
          "properties": {
            "collection": { "type": "string" },
            "query": { "type": "string" },
            "refined": { "type": "boolean", "description": "Whether the ranking was refined with the judge's feedback." },
            "judged": { "type": "integer", "minimum": 0, "description": "Documents the judge scored." },
            "note": { "type": "string", "description": "Why refinement did not run, or what limited it." },
            "results": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "rank": { "type": "integer", "minimum": 1 },
                  "rank_before": { "type": ["integer", "null"], "minimum": 1, "description": "Rank before refinement; null when below the first search's depth." },
                  "id": { "type": "string", "description": "The chunk id: cite it." },
                  "document": { "type": "string" },
                  "source": { "type": "string" },
                  "score": { "type": "number" },
                  "text": { "type": "string" },
                  "metadata": { "type": "object", "additionalProperties": { "type": "string" } }
                },
                "required": ["rank", "rank_before", "id", "document", "score", "text"],
                "additionalProperties": false
              }
            },
            "elapsed_ms": { "type": "number", "minimum": 0 }
          },
          "required": ["collection", "query", "refined", "results", "elapsed_ms"],
          "additionalProperties": false
        }
        """);

    public static JsonElement Ingest { get; } = Parse("""
        {
          "type": "object",
          "properties": {
            "collection": { "type": "string" },
            "added": { "type": "integer", "minimum": 0 },
            "updated": { "type": "integer", "minimum": 0 },
            "unchanged": { "type": "integer", "minimum": 0 },
            "chunks": { "type": "integer", "minimum": 0 },
            "duplicate_ids": { "type": "array", "items": { "type": "string" }, "description": "Ids given more than once; the last copy was stored." },
            "standbys": {
              "type": "object",
              "properties": {
                "count": { "type": "integer", "minimum": 0 },
                "replayed": { "type": "integer", "minimum": 0 },
                "lag_bytes": { "type": ["integer", "null"] },
                "waited_ms": { "type": "number", "minimum": 0 }
              },
              "required": ["count", "replayed", "lag_bytes", "waited_ms"],
              "additionalProperties": false
            },
            "skipped": { "type": "array", "items": { "type": "string" }, "description": "Paths not read, each with the reason." }
          },
          "required": ["collection", "added", "updated", "unchanged", "chunks"],
          "additionalProperties": false
        }
        """);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
