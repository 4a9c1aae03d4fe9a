using System.ClientModel;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using RefineMemory.Judge;

namespace RefineMemory.OpenAI;

/// <summary>Turns SDK and transport exceptions into <see cref="ModelCallException"/>s that say what happened.</summary>
internal static class OpenAIErrors
{
    /// <summary>The exception to throw for <paramref name="error"/>, or <c>null</c> to let it propagate (caller's cancellation).</summary>
    public static ModelCallException? Map(Exception error, Uri endpoint, string model, CancellationToken cancellationToken)
    {
        if (error is ModelCallException || (error is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        switch (error)
        {
            case ClientResultException result:
                return FromStatus(result, endpoint, model);
            case OperationCanceledException or TimeoutException:
                return new ModelCallException(ModelCallFailureKind.Timeout, $"{endpoint} did not answer within the network timeout.", error);
            case HttpRequestException or SocketException or IOException:
                return Unreachable(error, endpoint);
            case JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentOutOfRangeException:
                return new ModelCallException(ModelCallFailureKind.MalformedResponse, $"{endpoint} answered something that is not a valid OpenAI response: {error.Message}", error);
            default:
                return null;
        }
    }

    private static ModelCallException FromStatus(ClientResultException error, Uri endpoint, string model)
    {
        int status = error.Status;
        if (status == 0)
        {
            return error.InnerException is OperationCanceledException or TimeoutException
                ? new ModelCallException(ModelCallFailureKind.Timeout, $"{endpoint} did not answer within the network timeout.", error)
                : Unreachable(error.InnerException ?? error, endpoint);
        }

        string detail = FirstLine(error.Message);
        return status switch
        {
            429 => new ModelCallException(ModelCallFailureKind.RateLimited, $"{endpoint} is rate limiting (429): {detail}", error, status, RetryAfter(error)),
            408 => new ModelCallException(ModelCallFailureKind.Timeout, $"{endpoint} timed out (408): {detail}", error, status),
            >= 500 => new ModelCallException(ModelCallFailureKind.ServerError, $"{endpoint} failed ({status}): {detail}", error, status, RetryAfter(error)),
            401 or 403 => new ModelCallException(ModelCallFailureKind.RequestRejected, $"{endpoint} refused the credentials ({status}); check the API key variable: {detail}", error, status),
            404 => new ModelCallException(ModelCallFailureKind.RequestRejected, $"{endpoint} has no model or route '{model}' (404): {detail}", error, status),
            _ => new ModelCallException(ModelCallFailureKind.RequestRejected, $"{endpoint} rejected the request ({status}): {detail}", error, status),
        };
    }

    private static ModelCallException Unreachable(Exception error, Uri endpoint) =>
        new(ModelCallFailureKind.Unreachable, $"Could not reach {endpoint}: {error.Message}", error);

    private static TimeSpan? RetryAfter(ClientResultException error)
    {
        var headers = error.GetRawResponse()?.Headers;
        if (headers is null)
        {
            return null;
        }

        if (headers.TryGetValue("retry-after-ms", out string? ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out double milliseconds))
        {
            return TimeSpan.FromMilliseconds(Math.Max(0, milliseconds));
        }

        if (headers.TryGetValue("Retry-After", out string? value))
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            {
                return TimeSpan.FromSeconds(Math.Max(0, seconds));
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                var wait = when - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOf('\n', StringComparison.Ordinal);
        return (newline < 0 ? message : message[..newline]).Trim();
    }
}
