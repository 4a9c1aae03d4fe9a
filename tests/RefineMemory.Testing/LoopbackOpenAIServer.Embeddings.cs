using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RefineMemory.Testing;

public sealed partial class LoopbackOpenAIServer
{
    private async Task HandleEmbeddingsAsync(HttpContext http)
    {
        Interlocked.Increment(ref _embeddingRequests);
        using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        var root = body.RootElement;
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, http.RequestAborted);
        }

        var inputs = new List<string>();
        if (root.TryGetProperty("input", out var input))
        {
            if (input.ValueKind == JsonValueKind.String)
            {
                inputs.Add(input.GetString()!);
            }
            else if (input.ValueKind == JsonValueKind.Array && input.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
            {
                inputs.AddRange(input.EnumerateArray().Select(e => e.GetString()!));
            }
        }

        if (inputs.Count == 0)
        {
            await WriteErrorAsync(http, 400, "'input' must be a string or an array of strings.", "invalid_request_error");
            return;
        }

        bool base64 = root.TryGetProperty("encoding_format", out var f) && f.GetString() == "base64";
        int? dimensions = root.TryGetProperty("dimensions", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : null;
        var data = inputs.Select((text, index) =>
        {
            float[] vector = Embed(text);
            if (dimensions is int n && n < vector.Length)
            {
                vector = vector[..n];
            }

            object embedding = base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())) : vector;
            return new { @object = "embedding", index, embedding };
        }).ToArray();
        int tokens = inputs.Sum(t => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);
        await http.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            data,
            model = root.TryGetProperty("model", out var m) ? m.GetString() : string.Empty,
            usage = new { prompt_tokens = tokens, total_tokens = tokens },
        });
    }
}
