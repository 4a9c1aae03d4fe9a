using System.Net;
using System.Text.Json;
using Polly.Timeout;

namespace RefineMemory.Judge;

/// <summary>
/// Maps an exception from a chat client to a <see cref="JudgeFailureKind"/> and says whether retrying may help.
/// Understands <see cref="ModelCallException"/>, <see cref="HttpRequestException"/>, timeouts, JSON errors, and
/// any exception with a public integer <c>Status</c> property (System.ClientModel's ClientResultException, thrown
/// by the OpenAI SDK and its Microsoft.Extensions.AI adapter).
/// </summary>
public static class JudgeFailureClassifier
{
    /// <summary>The failure kind of <paramref name="exception"/> and whether it is transient.</summary>
    public static (JudgeFailureKind Kind, bool Transient) Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case ModelCallException m:
                return m.Kind switch
                {
                    ModelCallFailureKind.RateLimited => (JudgeFailureKind.RateLimited, true),
                    ModelCallFailureKind.ServerError or ModelCallFailureKind.Unreachable => (JudgeFailureKind.ServerError, true),
                    ModelCallFailureKind.Timeout => (JudgeFailureKind.Timeout, true),
                    ModelCallFailureKind.RequestRejected => (JudgeFailureKind.RequestRejected, false),
                    ModelCallFailureKind.MalformedResponse => (JudgeFailureKind.MalformedResponse, false),
                    _ => (JudgeFailureKind.Other, false),
                };
            case TimeoutRejectedException or TimeoutException or OperationCanceledException:
                // Callers check their own token first: a cancellation reaching here is a client-side timeout.
                return (JudgeFailureKind.Timeout, true);
            case HttpRequestException http:
                return FromStatus(http.StatusCode is HttpStatusCode code ? (int)code : 0);
            case JsonException or FormatException:
                return (JudgeFailureKind.MalformedResponse, false);
        }

        if (exception.GetType().GetProperty("Status")?.GetValue(exception) is int status)
        {
            return FromStatus(status);
        }

        return (JudgeFailureKind.Other, false);
    }

    private static (JudgeFailureKind, bool) FromStatus(int status) => status switch
    {
        0 => (JudgeFailureKind.ServerError, true), // no response: connection failed
        408 => (JudgeFailureKind.Timeout, true),
        429 => (JudgeFailureKind.RateLimited, true),
        >= 500 => (JudgeFailureKind.ServerError, true),
        _ => (JudgeFailureKind.RequestRejected, false),
    };
}
