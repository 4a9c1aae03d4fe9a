using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RefineMemory.Judge;

namespace RefineMemory.Testing;

public sealed partial class LoopbackOpenAIServer
{
    private async Task HandleOpenChatAsync(HttpContext http)
    {
        Interlocked.Increment(ref _openChatRequests);
        try
        {
            await HandleChatAsync(http);
        }
        finally
        {
            Interlocked.Decrement(ref _openChatRequests);
        }
    }

    private async Task HandleChatAsync(HttpContext http)
    {
        int sequence = Interlocked.Increment(ref _chatRequests);
        using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        var root = body.RootElement;
        string prompt = LastUserText(root);
        JudgePromptParts? judge = JudgePrompt.TryParse(prompt, out var parts) ? parts : null;
        var request = new LoopbackChatRequest(
            sequence, prompt, judge, _attempts.AddOrUpdate(prompt, 1, (_, n) => n + 1),
            root.TryGetProperty("model", out var m) ? m.GetString() ?? string.Empty : string.Empty,
            root.TryGetProperty("logprobs", out var lp) && lp.ValueKind == JsonValueKind.True,
            Int(root, "top_logprobs"), Int(root, "max_completion_tokens") ?? Int(root, "max_tokens"),
            root.TryGetProperty("seed", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null,
            root.TryGetProperty("temperature", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : null,
            http.Request.Headers.Authorization.FirstOrDefault())
        {
            Batch = JudgeBatchPrompt.TryParse(prompt, out var batch) ? batch : null,
        };
        _chatLog.Enqueue(request);
        _chatBodies.Enqueue(root.Clone());

        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, http.RequestAborted);
        }

        var fault = NextFault(request);
        switch (fault?.Kind)
        {
            case LoopbackFaultKind.Status:
                if (fault.RetryAfterSeconds is int seconds)
                {
                    http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await WriteErrorAsync(http, fault.StatusCode, $"Scripted fault {fault.StatusCode}.", fault.StatusCode == 429 ? "rate_limit_error" : "server_error");
                return;
            case LoopbackFaultKind.Slow:
                await Task.Delay(fault.Delay, http.RequestAborted);
                break;
            case LoopbackFaultKind.MalformedJson:
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("{\"id\": \"chatcmpl-broken\", \"choices\": [ {", http.RequestAborted);
                return;
        }

        if (await TryWriteScriptedAsync(http, root, request))
        {
            return;
        }

        var (text, tokens) = Answer(request, fault);
        if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            await WriteStreamAsync(http, request, tokens.Select(t => t.Token).ToList());
            return;
        }

        bool withLogprobs = request.LogprobsRequested && fault?.Kind != LoopbackFaultKind.NoLogprobs;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(ChatCompletionJson(request, fault?.Kind == LoopbackFaultKind.EmptyChoices, text, withLogprobs ? tokens : null), http.RequestAborted);
    }

    private (string Text, List<(string Token, List<(string Token, double P)> Top)> Tokens) Answer(LoopbackChatRequest request, LoopbackFault? fault)
    {
        var end = new List<(string, double)> { (".", 0.99), ("!", 0.01) };
        if (fault?.Kind == LoopbackFaultKind.Token)
        {
            return (fault.Token + ".", [(fault.Token, [(fault.Token, 0.95), ("No", 0.05)]), (".", end)]);
        }

        if (request.Batch is { } batch)
        {
            return BatchAnswer(request, batch);
        }

        if (request.Judge is not { } judge)
        {
            string completion = Completion(request.Prompt);
            return (completion, [(completion, [(completion, 1.0)])]);
        }

        bool? label = Labels(judge.Query, judge.Document);
        if (judge.IsVerbalized)
        {
            string rating = label switch { true => "90", false => "10", null => "unsure" };
            return (rating, [(rating, [(rating, 1.0)])]);
        }

        if (label is not bool relevant)
        {
            return ("Maybe.", [("Maybe", [("Maybe", 0.6), ("Perhaps", 0.39992), ("Yes", 4e-5), ("No", 4e-5)]), (".", end)]);
        }

        double yes = relevant ? RelevantYesMass : IrrelevantYesMass;
        double no = 1 - yes;
        var top = new List<(string, double)> { ("Yes", 0.75 * yes), (" yes", 0.25 * yes), ("No", 0.75 * no), ("NO", 0.2 * no), ("Maybe", 0.05 * no) }
            .OrderByDescending(x => x.Item2).ToList();
        string first = top[0].Item1;
        return (first.Trim() + ".", [(first, top), (".", end)]);
    }

    private static byte[] ChatCompletionJson(LoopbackChatRequest request, bool emptyChoices, string text, List<(string Token, List<(string Token, double P)> Top)>? tokens)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("id", $"chatcmpl-{request.Sequence}");
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            w.WriteString("model", request.Model);
            w.WriteStartArray("choices");
            if (!emptyChoices)
            {
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                w.WriteString("content", text);
                w.WriteNull("refusal");
                w.WriteEndObject();
                if (tokens is null)
                {
                    w.WriteNull("logprobs");
                }
                else
                {
                    w.WriteStartObject("logprobs");
                    w.WriteStartArray("content");
                    foreach (var (token, top) in tokens)
                    {
                        w.WriteStartObject();
                        WriteToken(w, token, top.FirstOrDefault(x => x.Token == token).P is var p && p > 0 ? p : 1e-6);
                        w.WriteStartArray("top_logprobs");
                        foreach (var (alt, altP) in top.Take(Math.Max(request.TopLogprobs ?? 0, 1)))
                        {
                            w.WriteStartObject();
                            WriteToken(w, alt, altP);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteNull("refusal");
                    w.WriteEndObject();
                }

                w.WriteString("finish_reason", "stop");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("usage");
            int promptTokens = request.Prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            int completionTokens = tokens?.Count ?? 2;
            w.WriteNumber("prompt_tokens", promptTokens);
            w.WriteNumber("completion_tokens", completionTokens);
            w.WriteNumber("total_tokens", promptTokens + completionTokens);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static async Task WriteStreamAsync(HttpContext http, LoopbackChatRequest request, List<string> tokens)
    {
        http.Response.ContentType = "text/event-stream";
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Chunk(string delta, string? finish) => JsonSerializer.Serialize(new
        {
            id = $"chatcmpl-{request.Sequence}",
            @object = "chat.completion.chunk",
            created,
            model = request.Model,
            choices = new[] { new { index = 0, delta = new { role = "assistant", content = delta }, finish_reason = finish } },
        });
        foreach (string token in tokens)
        {
            await http.Response.WriteAsync($"data: {Chunk(token, null)}\n\n", http.RequestAborted);
        }

        await http.Response.WriteAsync($"data: {Chunk(string.Empty, "stop")}\n\ndata: [DONE]\n\n", http.RequestAborted);
    }

    private static void WriteToken(Utf8JsonWriter w, string token, double probability)
    {
        w.WriteString("token", token);
        w.WriteNumber("logprob", Math.Log(probability));
        w.WriteStartArray("bytes");
        foreach (byte b in Encoding.UTF8.GetBytes(token))
        {
            w.WriteNumberValue(b);
        }

        w.WriteEndArray();
    }

    private static string LastUserText(JsonElement root)
    {
        string text = string.Empty;
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return text;
        }

        foreach (var message in messages.EnumerateArray())
        {
            if (message.TryGetProperty("role", out var role) && role.GetString() == "user" && message.TryGetProperty("content", out var content))
            {
                text = content.ValueKind == JsonValueKind.String
                    ? content.GetString() ?? string.Empty
                    : string.Concat(content.EnumerateArray().Where(p => p.TryGetProperty("text", out _)).Select(p => p.GetProperty("text").GetString()));
            }
        }

        return text;
    }

    private static int? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
}
