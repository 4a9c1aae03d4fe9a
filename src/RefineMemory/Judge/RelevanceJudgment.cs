namespace RefineMemory.Judge;

/// <summary>The judge's verdict on one document: a score in [0, 1], or the reason there is none.</summary>
public sealed class RelevanceJudgment
{
    private RelevanceJudgment(string documentId, float? score, JudgeFailure? failure)
    {
        DocumentId = documentId;
        Score = score;
        Failure = failure;
    }

    /// <summary>The judged document.</summary>
    public string DocumentId { get; }

    /// <summary>The relevance score, or <c>null</c> when the judgment failed.</summary>
    public float? Score { get; }

    /// <summary>Why there is no score, or <c>null</c> when the judgment succeeded.</summary>
    public JudgeFailure? Failure { get; }

    /// <summary>Whether there is a score.</summary>
    public bool Succeeded => Score.HasValue;

    /// <summary>A judgment with <paramref name="score"/> in [0, 1].</summary>
    public static RelevanceJudgment Scored(string documentId, float score)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        if (!float.IsFinite(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "A relevance score must be finite.");
        }

        return new RelevanceJudgment(documentId, score, null);
    }

    /// <summary>A judgment that failed for the reason <paramref name="kind"/> (<paramref name="message"/> says more).</summary>
    public static RelevanceJudgment Failed(string documentId, JudgeFailureKind kind, string message)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return new RelevanceJudgment(documentId, null, new JudgeFailure(kind, message));
    }

    /// <inheritdoc />
    public override string ToString() => Succeeded
        ? $"{DocumentId}: {Score!.Value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}"
        : $"{DocumentId}: failed ({Failure!.Kind}: {Failure.Message})";
}

/// <summary>Why a document could not be judged.</summary>
public sealed record JudgeFailure(JudgeFailureKind Kind, string Message);

/// <summary>Kinds of judge failure, for diagnostics and for deciding what to retry.</summary>
public enum JudgeFailureKind
{
    /// <summary>The call did not finish within its timeout (after retries).</summary>
    Timeout,

    /// <summary>The provider kept answering 429 (after retries).</summary>
    RateLimited,

    /// <summary>The provider answered 5xx or the connection failed (after retries).</summary>
    ServerError,

    /// <summary>The provider refused the request (4xx other than 429), e.g. a bad key or model name.</summary>
    RequestRejected,

    /// <summary>The answer could not be parsed: malformed JSON, no choices, an unparseable rating.</summary>
    MalformedResponse,

    /// <summary>The answer's logprobs put less than the minimum probability mass on yes/no tokens.</summary>
    NoYesNoProbability,

    /// <summary>The dataset has no gold label for this document.</summary>
    MissingLabel,

    /// <summary>Anything else; the message says what.</summary>
    Other,
}
