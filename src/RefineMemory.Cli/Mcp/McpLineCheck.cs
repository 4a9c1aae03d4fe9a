using System.Text;
using System.Text.Json;

namespace RefineMemory.Cli.Mcp;

/// <summary>
/// The checks of one line from an MCP client that the SDK lacks: it drops a line that is not a JSON object with a
/// valid id without a word, so the client would wait forever. Each rule follows JSON-RPC 2.0 and MCP 2025-06-18:
/// <list type="bullet">
/// <item>not JSON: -32700 parse error, <c>"id": null</c>;</item>
/// <item>an array (a batch): one -32600 invalid request, <c>"id": null</c>, because MCP 2025-06-18 removed batching
/// and the SDK does not take them; the client sends each message on its own line instead;</item>
/// <item>not an object, <c>"jsonrpc"</c> other than "2.0", or an id that is null or neither a string nor an integer
/// (MCP: "the ID MUST NOT be null"): -32600, with the id when it is one, else null;</item>
/// <item><c>tools/call</c> without a string <c>params.name</c>: -32602 invalid params.</item>
/// </list>
/// </summary>
internal static class McpLineCheck
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int InvalidParams = -32602;

    /// <summary>What a line is, once checked.</summary>
    /// <param name="Reply">The error to answer with, or null to pass the line on.</param>
    /// <param name="RequestId">The raw JSON of a request's id (a request expects an answer), else null.</param>
    /// <param name="CancelledId">The raw id named by <c>notifications/cancelled</c>, else null.</param>
    public readonly record struct Outcome(string? Reply, string? RequestId, string? CancelledId);

    public static Outcome Check(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            return new(Error(null, ParseError, $"Parse error: the line is not valid JSON ({ex.Message})"), null, null);
        }

        using (document)
        {
            return Check(document.RootElement);
        }
    }

    private static Outcome Check(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return new(Error(null, InvalidRequest, "Invalid Request: JSON-RPC batches (arrays) are not supported (MCP 2025-06-18 removed them); send each request as its own line."), null, null);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new(Error(null, InvalidRequest, "Invalid Request: a message is a JSON object."), null, null);
        }

        bool hasId = root.TryGetProperty("id", out var id);
        bool validId = hasId && (id.ValueKind == JsonValueKind.String || (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out _)));
        JsonElement? replyId = validId ? id : null;
        if (!root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
        {
            return new(Error(replyId, InvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"."), null, null);
        }

        if (hasId && !validId)
        {
            return new(Error(null, InvalidRequest, $"Invalid Request: the id is {id.GetRawText()}; MCP ids are strings or integers, never null."), null, null);
        }

        string? method = root.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        root.TryGetProperty("params", out var p);
        if (method == "tools/call" && validId && !HasName(p))
        {
            return new(Error(id, InvalidParams, "Invalid params: tools/call needs params.name, the name of the tool to call (see tools/list)."), null, null);
        }

        string? requestId = method is not null && validId ? Key(id) : null;
        string? cancelled = method == "notifications/cancelled" && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("requestId", out var r) ? Key(r) : null;
        return new(null, requestId, cancelled);
    }

    /// <summary>An id as the SDK writes it back: a string re-encoded (escapes normalised), a number as written.</summary>
    private static string Key(JsonElement id) =>
        id.ValueKind == JsonValueKind.String ? JsonSerializer.Serialize(id.GetString()) : id.GetRawText();

    private static bool HasName(JsonElement p) =>
        p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString()!.Length > 0;

    /// <summary>The raw id of a response (a line with an id and a result or an error, no method), else null.</summary>
    public static string? ResponseId(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? id = null;
        bool answer = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (name == "id" && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
            {
                id = reader.TokenType == JsonTokenType.String ? JsonSerializer.Serialize(reader.GetString()) : Encoding.UTF8.GetString(reader.ValueSpan);
            }
            else if (name == "method")
            {
                return null; // a request or notification of the server's own
            }

            answer |= name is "result" or "error";
            reader.Skip();
        }

        return answer ? id : null;
    }

    /// <summary>The answer to a line longer than <paramref name="maxBytes"/>, whose id is not read.</summary>
    public static string TooLong(int maxBytes) =>
        Error(null, InvalidRequest, FormattableString.Invariant($"Invalid Request: the message is longer than {maxBytes:N0} bytes, the most this server reads; it was not read."));

    /// <summary>The answer to a request whose id is that of one still in flight.</summary>
    public static string IdInFlight(string id)
    {
        using var document = JsonDocument.Parse(id);
        return Error(document.RootElement, InvalidRequest, $"Invalid Request: the id {id} belongs to a request still in flight; give each request its own id.");
    }

    public static string Error(JsonElement? id, int code, string message)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            w.WritePropertyName("id");
            if (id is { } value)
            {
                value.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteStartObject("error");
            w.WriteNumber("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
