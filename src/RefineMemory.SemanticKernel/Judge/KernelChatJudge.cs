using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using RefineMemory.Judge;

namespace RefineMemory.SemanticKernel.Judge;

/// <summary>
/// The kernel's own chat model as relevance judge, resolved on every call from the kernel's services: its
/// <see cref="IChatClient"/>, else its <see cref="IChatCompletionService"/> through <c>AsChatClient()</c>. Each
/// document gets <see cref="ChatRelevanceJudge"/>'s yes/no prompt, scored from logprobs when the connector returns
/// them (SK's OpenAI connector does) and by a verbalized 0-100 rating otherwise; <see cref="JudgeDiagnostics.Method"/>
/// says which, and through which service. Judge calls offer no tools (see <see cref="JudgeOnlyChatClient"/>), so
/// automatic function calling can never recurse into the memory plugin.
/// </summary>
public sealed class KernelChatJudge : IRelevanceJudge
{
    private readonly IServiceProvider _services;
    private readonly object? _serviceKey;
    private readonly ChatRelevanceJudgeOptions _options;
    private readonly IJudgeCache? _cache;
    private readonly ILoggerFactory? _loggerFactory;

    // One judge per resolved service, so its verbalized fallback (decided once per model) and cache scope persist.
    private readonly ConditionalWeakTable<object, ResolvedJudge> _judges = [];

    /// <param name="services">The kernel's services (<see cref="Kernel.Services"/>), read on every call.</param>
    /// <param name="options">How the model is asked; default <see cref="ChatRelevanceJudgeOptions"/>.</param>
    /// <param name="serviceKey">The service key of the chat model to use, or <c>null</c> (default) for the unkeyed one.</param>
    /// <param name="cache">Scores already judged, keyed by the resolved model and prompt version; <c>null</c> (default) for none.</param>
    /// <param name="loggerFactory">Logs retries, failures and the verbalized fallback.</param>
    public KernelChatJudge(IServiceProvider services, ChatRelevanceJudgeOptions? options = null, object? serviceKey = null, IJudgeCache? cache = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _serviceKey = serviceKey;
        _options = options ?? new ChatRelevanceJudgeOptions();
        _cache = cache;
        _loggerFactory = loggerFactory;
        _options.Validate();
    }

    /// <summary>A judge over <paramref name="kernel"/>'s chat model.</summary>
    public KernelChatJudge(Kernel kernel, ChatRelevanceJudgeOptions? options = null, object? serviceKey = null)
        : this((kernel ?? throw new ArgumentNullException(nameof(kernel))).Services, options, serviceKey, null, kernel.LoggerFactory)
    {
    }

    /// <inheritdoc />
    public async Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (judge, source) = Resolve();
        var result = await judge.Judge.JudgeAsync(request, cancellationToken).ConfigureAwait(false);
        bool verbalized = _options.Mode == ChatJudgeMode.Verbalized || result.Diagnostics.VerbalizedFallbacks > 0 || judge.Chat.UsesVerbalizedFallback;
        string batching = _options.BatchSize > 1 ? FormattableString.Invariant($", up to {_options.BatchSize} documents per call") : "";
        string method = (verbalized ? "verbalized 0-100 ratings (the model returned no logprobs)" : "yes/no logprobs") + batching + "; " + source;
        return new JudgeResult(result.Judgments, result.Diagnostics.WithMethod(method));
    }

    private (ResolvedJudge Judge, string Source) Resolve()
    {
        if (Get<IChatClient>() is { } client)
        {
            return (_judges.GetValue(client, c => Create((IChatClient)c, viaChatCompletionService: false)), $"the kernel's IChatClient ({Describe(client)})");
        }

        if (Get<IChatCompletionService>() is { } service)
        {
            return (_judges.GetValue(service, s => Create(((IChatCompletionService)s).AsChatClient(), viaChatCompletionService: true)), $"the kernel's IChatCompletionService ({service.GetType().Name}) through AsChatClient()");
        }

        throw new InvalidOperationException(_serviceKey is null
            ? "The kernel has no chat model to judge with: register an IChatClient or IChatCompletionService (e.g. builder.AddOpenAIChatClient(...))."
            : $"The kernel has no IChatClient or IChatCompletionService with the service key '{_serviceKey}' to judge with.");
    }

    private T? Get<T>()
        where T : class =>
        _serviceKey is null ? _services.GetService<T>() : _services.GetKeyedService<T>(_serviceKey);

    private ResolvedJudge Create(IChatClient client, bool viaChatCompletionService)
    {
        var chat = new ChatRelevanceJudge(new JudgeOnlyChatClient(client, viaChatCompletionService), _options, _loggerFactory?.CreateLogger<ChatRelevanceJudge>());
        return new ResolvedJudge(chat, _cache is null ? chat : new CachingRelevanceJudge(chat, _cache, _loggerFactory?.CreateLogger<CachingRelevanceJudge>()));
    }

    private static string Describe(IChatClient client)
    {
        var metadata = client.GetService<ChatClientMetadata>();
        return metadata?.DefaultModelId is { } model ? $"{metadata.ProviderName ?? client.GetType().Name}, {model}" : client.GetType().Name;
    }

    private sealed record ResolvedJudge(ChatRelevanceJudge Chat, IRelevanceJudge Judge);
}
