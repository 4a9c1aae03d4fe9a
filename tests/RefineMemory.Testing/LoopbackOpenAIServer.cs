using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RefineMemory.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, random port) speaking the OpenAI chat-completions and embeddings API,
/// for tests. It answers judge prompts (<see cref="Judge.JudgePrompt"/>) from gold labels supplied by the test:
/// <list type="bullet">
/// <item>yes/no prompts: logprobs whose yes mass is <see cref="RelevantYesMass"/> or <see cref="IrrelevantYesMass"/>
/// spread over "Yes" (75%) and " yes" (25%), the rest over "No" (75%), "NO" (20%) and "Maybe" (5%), so the judge's
/// expected score is m / (m + 0.95 (1 - m)) (<see cref="ExpectedYesNoScore"/>). A document without a label gets
/// "Maybe" with P(yes)+P(no) = 8e-5, below the judge's 1e-4 minimum.</item>
/// <item>verbalized prompts: "90" for relevant, "10" for irrelevant, "unsure" without a label.</item>
/// <item>any other prompt: <see cref="Completion"/>.</item>
/// </list>
/// Faults are scripted per request by <see cref="Faults"/> (sees the parsed request, including the attempt number
/// of its prompt) or queued with <see cref="EnqueueFaults"/> (taken by the next chat requests in arrival order).
/// Agent tests script answers, including tool calls, with <see cref="Script"/> and read what was sent in <see cref="ChatBodies"/>.
/// </summary>
public sealed partial class LoopbackOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<LoopbackFault> _queued = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<LoopbackChatRequest> _chatLog = new();
    private int _chatRequests;
    private int _openChatRequests;
    private int _embeddingRequests;

    private LoopbackOpenAIServer(WebApplication app) => _app = app;

    /// <summary>The OpenAI-compatible base URL, http://127.0.0.1:PORT/v1.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Gold labels: true (relevant), false, or null (no label) for (query, document text).</summary>
    public Func<string, string, bool?> Labels { get; set; } = (_, _) => null;

    /// <summary>P(yes) for a relevant document. Default 0.9.</summary>
    public double RelevantYesMass { get; set; } = 0.9;

    /// <summary>P(yes) for an irrelevant document. Default 0.1.</summary>
    public double IrrelevantYesMass { get; set; } = 0.1;

    /// <summary>Delay before every answer (simulated model latency). Default none.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Chooses a fault for a chat request, or null for a normal answer. Queued faults take precedence.</summary>
    public Func<LoopbackChatRequest, LoopbackFault?>? Faults { get; set; }

    /// <summary>The answer to non-judge prompts (e.g. HyDE). Default: a fixed passage quoting the prompt.</summary>
    public Func<string, string> Completion { get; set; } = prompt => "A passage that answers: " + prompt;

    /// <summary>The embedding of an input text. Default: <see cref="HashedEmbedding"/> with 16 dimensions.</summary>
    public Func<string, float[]> Embed { get; set; } = text => HashedEmbedding(text, 16);

    /// <summary>Chat-completions requests received.</summary>
    public int ChatRequests => Volatile.Read(ref _chatRequests);

    /// <summary>Chat requests received and not yet answered or dropped by the client (a hanging judge's open calls).</summary>
    public int OpenChatRequests => Volatile.Read(ref _openChatRequests);

    /// <summary>Embeddings requests received.</summary>
    public int EmbeddingRequests => Volatile.Read(ref _embeddingRequests);

    /// <summary>Every chat request received, in arrival order.</summary>
    public IReadOnlyList<LoopbackChatRequest> ChatLog => _chatLog.ToArray();

    /// <summary>The score a correct judge computes from this server's yes/no answer with yes mass <paramref name="yesMass"/>.</summary>
    public static double ExpectedYesNoScore(double yesMass) => yesMass / (yesMass + (0.95 * (1 - yesMass)));

    /// <summary>Starts a server on 127.0.0.1 with a free port.</summary>
    public static async Task<LoopbackOpenAIServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LoopbackOpenAIServer(app);
        app.MapPost("/v1/chat/completions", server.HandleOpenChatAsync);
        app.MapPost("/v1/embeddings", server.HandleEmbeddingsAsync);
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>Queues faults for the next chat requests, one each, in arrival order.</summary>
    public void EnqueueFaults(params LoopbackFault[] faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        foreach (var fault in faults)
        {
            _queued.Enqueue(fault);
        }
    }

    /// <summary>A deterministic unit vector from the words of <paramref name="text"/> (bag of hashed words).</summary>
    public static float[] HashedEmbedding(string text, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[dimensions];
        foreach (string word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            uint h = 2166136261;
            foreach (char c in word.ToUpperInvariant())
            {
                h = (h ^ c) * 16777619;
            }

            vector[h % (uint)dimensions] += 1;
        }

        double norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        if (norm == 0)
        {
            vector[0] = 1;
            return vector;
        }

        for (int i = 0; i < dimensions; i++)
        {
            vector[i] = (float)(vector[i] / norm);
        }

        return vector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private LoopbackFault? NextFault(LoopbackChatRequest request) =>
        _queued.TryDequeue(out var queued) ? queued : Faults?.Invoke(request);

    private static Task WriteErrorAsync(HttpContext http, int status, string message, string type)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new { error = new { message, type, code = (string?)null } });
    }
}
