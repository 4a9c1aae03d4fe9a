using RefineMemory.Judge;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>Answers with judgments already made for the same request, so several refinement settings share one judging.</summary>
internal sealed class RecordedJudge(JudgeResult recorded) : IRelevanceJudge
{
    public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (request.Documents.Count != recorded.Judgments.Count)
        {
            throw new InvalidOperationException($"The recorded judgments cover {recorded.Judgments.Count} documents; the request has {request.Documents.Count}.");
        }

        return Task.FromResult(recorded);
    }
}
