using System.Net;
using System.Text.Json;
using Polly.Timeout;
using RefineMemory.Judge;

namespace RefineMemory.Tests.Judge;

public sealed class JudgeFailureClassifierTests
{
    public static TheoryData<Exception, JudgeFailureKind, bool> Cases => new()
    {
        { new ModelCallException(ModelCallFailureKind.RateLimited, "429"), JudgeFailureKind.RateLimited, true },
        { new ModelCallException(ModelCallFailureKind.Unreachable, "refused"), JudgeFailureKind.ServerError, true },
        { new ModelCallException(ModelCallFailureKind.RequestRejected, "401"), JudgeFailureKind.RequestRejected, false },
        { new ModelCallException(ModelCallFailureKind.MalformedResponse, "bad"), JudgeFailureKind.MalformedResponse, false },
        { new HttpRequestException("x", null, HttpStatusCode.TooManyRequests), JudgeFailureKind.RateLimited, true },
        { new HttpRequestException("x", null, HttpStatusCode.BadGateway), JudgeFailureKind.ServerError, true },
        { new HttpRequestException("connection refused"), JudgeFailureKind.ServerError, true },
        { new HttpRequestException("x", null, HttpStatusCode.Unauthorized), JudgeFailureKind.RequestRejected, false },
        { new TimeoutRejectedException(), JudgeFailureKind.Timeout, true },
        { new TaskCanceledException(), JudgeFailureKind.Timeout, true },
        { new JsonException("eof"), JudgeFailureKind.MalformedResponse, false },
        { new StatusException(503), JudgeFailureKind.ServerError, true },
        { new StatusException(429), JudgeFailureKind.RateLimited, true },
        { new StatusException(404), JudgeFailureKind.RequestRejected, false },
        { new InvalidOperationException("?"), JudgeFailureKind.Other, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exceptions_map_to_kinds_and_retryability(Exception error, JudgeFailureKind kind, bool transient) =>
        Assert.Equal((kind, transient), JudgeFailureClassifier.Classify(error));

    /// <summary>Shaped like System.ClientModel's ClientResultException: a public int Status.</summary>
    public sealed class StatusException(int status) : Exception("status " + status)
    {
        public int Status { get; } = status;
    }
}
