namespace RefineMemory.Testing;

/// <summary>What <see cref="LoopbackOpenAIServer"/> does instead of (or before) a normal answer.</summary>
public enum LoopbackFaultKind
{
    /// <summary>Answer an HTTP error status with an OpenAI-style error body.</summary>
    Status,

    /// <summary>Wait <see cref="LoopbackFault.Delay"/>, then answer normally.</summary>
    Slow,

    /// <summary>Answer 200 with a body that is not valid JSON.</summary>
    MalformedJson,

    /// <summary>Answer 200 with <c>"choices": []</c>.</summary>
    EmptyChoices,

    /// <summary>Answer normally but without logprobs.</summary>
    NoLogprobs,

    /// <summary>Answer with <see cref="LoopbackFault.Token"/> as the first token (P = 0.95) and "No" as the only alternative (P = 0.05).</summary>
    Token,
}

/// <summary>A scripted misbehaviour of <see cref="LoopbackOpenAIServer"/> for one request.</summary>
public sealed record LoopbackFault
{
    private LoopbackFault(LoopbackFaultKind kind) => Kind = kind;

    public LoopbackFaultKind Kind { get; }

    /// <summary>The HTTP status of a <see cref="LoopbackFaultKind.Status"/> fault.</summary>
    public int StatusCode { get; private init; }

    /// <summary>The Retry-After header (whole seconds) of a status fault, when set.</summary>
    public int? RetryAfterSeconds { get; private init; }

    /// <summary>The wait of a <see cref="LoopbackFaultKind.Slow"/> fault.</summary>
    public TimeSpan Delay { get; private init; }

    /// <summary>The first token of a <see cref="LoopbackFaultKind.Token"/> fault.</summary>
    public string Token { get; private init; } = string.Empty;

    /// <summary>HTTP 429 Too Many Requests.</summary>
    public static LoopbackFault RateLimited(int? retryAfterSeconds = null) => new(LoopbackFaultKind.Status) { StatusCode = 429, RetryAfterSeconds = retryAfterSeconds };

    /// <summary>HTTP 500 (or another status).</summary>
    public static LoopbackFault ServerError(int statusCode = 500) => new(LoopbackFaultKind.Status) { StatusCode = statusCode };

    /// <summary>Any HTTP status, e.g. 401 or 404.</summary>
    public static LoopbackFault Status(int statusCode) => new(LoopbackFaultKind.Status) { StatusCode = statusCode };

    /// <summary>A delayed, otherwise normal answer.</summary>
    public static LoopbackFault Slow(TimeSpan delay) => new(LoopbackFaultKind.Slow) { Delay = delay };

    /// <summary>A 200 answer that is not JSON.</summary>
    public static LoopbackFault MalformedJson() => new(LoopbackFaultKind.MalformedJson);

    /// <summary>A 200 answer with no choices.</summary>
    public static LoopbackFault EmptyChoices() => new(LoopbackFaultKind.EmptyChoices);

    /// <summary>A normal answer without logprobs.</summary>
    public static LoopbackFault NoLogprobs() => new(LoopbackFaultKind.NoLogprobs);

    /// <summary>An answer whose first token is <paramref name="token"/> (e.g. " Yes", "YES", "yes.", "yesterday").</summary>
    public static LoopbackFault FirstToken(string token) => new(LoopbackFaultKind.Token) { Token = token };
}
