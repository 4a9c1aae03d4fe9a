namespace RefineMemory.Judge;

/// <summary>
/// A call to a model provider (chat or embeddings) failed in a way callers can act on: the
/// <see cref="Kind"/> says whether retrying may help. Thrown by the OpenAI-compatible clients and
/// understood by <see cref="ChatRelevanceJudge"/>; other clients' exceptions are classified too (see
/// <see cref="JudgeFailureClassifier"/>).
/// </summary>
public sealed class ModelCallException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ModelCallException()
        : this(ModelCallFailureKind.Other, "The model call failed.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ModelCallException(string message)
        : this(ModelCallFailureKind.Other, message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public ModelCallException(string message, Exception innerException)
        : this(ModelCallFailureKind.Other, message, innerException)
    {
    }

    /// <summary>Creates the exception of <paramref name="kind"/>, with the provider's HTTP status and Retry-After when known.</summary>
    public ModelCallException(ModelCallFailureKind kind, string message, Exception? innerException = null, int? statusCode = null, TimeSpan? retryAfter = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// <summary>What went wrong.</summary>
    public ModelCallFailureKind Kind { get; }

    /// <summary>The HTTP status the provider answered, when there was one.</summary>
    public int? StatusCode { get; }

    /// <summary>How long the provider asked to wait before retrying (Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether a later attempt may succeed (rate limits, server errors, timeouts, unreachable endpoints).</summary>
    public bool IsTransient => Kind is ModelCallFailureKind.RateLimited or ModelCallFailureKind.ServerError
        or ModelCallFailureKind.Timeout or ModelCallFailureKind.Unreachable;
}

/// <summary>Kinds of model-call failure.</summary>
public enum ModelCallFailureKind
{
    /// <summary>Anything else; the message says what.</summary>
    Other,

    /// <summary>HTTP 429.</summary>
    RateLimited,

    /// <summary>HTTP 5xx.</summary>
    ServerError,

    /// <summary>The endpoint could not be reached (connection refused, DNS failure, reset).</summary>
    Unreachable,

    /// <summary>The call did not finish in time (HTTP 408 or the client's network timeout).</summary>
    Timeout,

    /// <summary>HTTP 4xx other than 408/429: bad key, unknown model, invalid request. Retrying will not help.</summary>
    RequestRejected,

    /// <summary>The provider answered something that is not a valid completion: bad JSON, no choices.</summary>
    MalformedResponse,
}
