namespace RefineMemory.Judge;

/// <summary>Batched judging: one call for up to <see cref="ChatRelevanceJudgeOptions.BatchSize"/> documents.</summary>
public sealed partial class ChatRelevanceJudge
{
    /// <summary>Answer tokens of one batched line besides the answer itself: "[", the number, "]" and the newline.</summary>
    private const int LineLabelTokens = 4;

    private async Task JudgeBatchesAsync(JudgeRequest request, RelevanceJudgment[] judgments, JudgeCallStats stats, ParallelOptions parallel)
    {
        var batches = Enumerable.Range(0, judgments.Length).Chunk(_options.BatchSize);
        await Parallel.ForEachAsync(batches, parallel, async (indices, ct) =>
        {
            var documents = indices.Select(i => request.Documents[i]).ToArray();
            var scored = await JudgeBatchAsync(request, documents, stats, ct).ConfigureAwait(false);
            for (int k = 0; k < indices.Length; k++)
            {
                judgments[indices[k]] = scored[k];
                request.Progress?.Report(scored[k]);
            }
        }).ConfigureAwait(false);
    }

    private async Task<RelevanceJudgment[]> JudgeBatchAsync(JudgeRequest request, JudgeDocument[] documents, JudgeCallStats stats, CancellationToken ct)
    {
        if (documents.Length == 1)
        {
            // A lone document (the remainder of a request) gets the single prompt: no numbering to misread.
            return [await JudgeOneAsync(request, documents[0], stats, ct).ConfigureAwait(false)];
        }

        string[] texts = documents.Select(d => d.Text).ToArray();
        bool verbalized = _options.Mode == ChatJudgeMode.Verbalized || (_options.Mode == ChatJudgeMode.Auto && _logprobsUnavailable);
        if (!verbalized)
        {
            int maxTokens = documents.Length * (_options.MaxOutputTokens + LineLabelTokens);
            var (response, failure) = await CallAsync(JudgeBatchPrompt.YesNo(request.Query, texts, request.Instruction), logprobs: true, maxTokens, stats, ct).ConfigureAwait(false);
            if (failure is not null)
            {
                return FailAll(documents, failure);
            }

            if (ChatLogprobs.Read(response!) is { } tokens)
            {
                return Logged(BatchScores.FromLogprobs(documents, tokens, _options.MinimumProbabilityMass));
            }

            if (_options.Mode == ChatJudgeMode.YesNoLogprobs)
            {
                return FailAll(documents, new JudgeFailure(JudgeFailureKind.NoYesNoProbability,
                    "The batched response carried no logprobs (the provider may not support them); use ChatJudgeMode.Auto or Verbalized."));
            }

            if (!_logprobsUnavailable)
            {
                _logprobsUnavailable = true;
                LogFallback();
            }

            stats.Fallback();
        }

        int ratingTokens = documents.Length * (_options.VerbalizedMaxOutputTokens + LineLabelTokens);
        var (rated, error) = await CallAsync(JudgeBatchPrompt.Verbalized(request.Query, texts, request.Instruction), logprobs: false, ratingTokens, stats, ct).ConfigureAwait(false);
        return error is not null ? FailAll(documents, error) : Logged(BatchScores.FromRatings(documents, rated!.Text));
    }

    private RelevanceJudgment[] FailAll(JudgeDocument[] documents, JudgeFailure failure) =>
        documents.Select(d => Fail(d.Id, failure)).ToArray();

    private RelevanceJudgment[] Logged(RelevanceJudgment[] judgments)
    {
        foreach (var j in judgments)
        {
            if (j.Failure is { } failure)
            {
                LogFailure(j.DocumentId, failure.Kind, failure.Message);
            }
        }

        return judgments;
    }
}
