namespace RefineMemory.Refine;

/// <summary>
/// Refines a query vector so that its cosine similarities to the judged documents, as a softmax
/// distribution, match the judge's scores (Gera et al. 2026). Pure computation: no I/O.
/// </summary>
public static class QueryRefiner
{
    /// <summary>
    /// Runs the optimisation.
    /// </summary>
    /// <param name="query">The query embedding.</param>
    /// <param name="documents">The judged documents' embeddings, row-major: <c>scores.Length</c> rows of <c>query.Length</c>.</param>
    /// <param name="scores">The judge's score for each document (any real numbers; usually in [0, 1]).</param>
    /// <param name="ids">Ids of the documents for the result; <c>null</c> numbers them "0", "1", ...</param>
    /// <param name="options">Settings; <c>null</c> for the defaults (the validated step; <see cref="RefinementOptions.UsePaperStep"/> for the paper's).</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <exception cref="DimensionMismatchException">The document matrix does not match the query dimension and score count.</exception>
    /// <exception cref="ArgumentException">Empty input, a zero vector, or a NaN/infinite value.</exception>
    /// <exception cref="RefinementDivergedException">The optimisation produced a non-finite vector or loss; nothing is returned.</exception>
    public static RefinementResult Refine(
        ReadOnlySpan<float> query,
        ReadOnlySpan<float> documents,
        ReadOnlySpan<float> scores,
        IReadOnlyList<string>? ids = null,
        RefinementOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new RefinementOptions();
        options.Validate();
        Validate(query, documents, scores, ids);

        int d = query.Length;
        int m = scores.Length;
        var objective = new KlCosineObjective(documents, d, scores, options.Mode, options.Temperature);
        var schedule = new StepSchedule(options, d);
        var optimizer = new AdamOptimizer(d, schedule.LearningRate, options.Beta1, options.Beta2, options.Epsilon);
        float[] x = query.ToArray();
        var gradient = new float[d];
        var loss = new double[options.Steps];
        var before = new float[m];
        int taken = 0;
        string? stopReason = null;

        for (int step = 0; step < options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            loss[step] = objective.Evaluate(x, gradient);
            if (step > 0 && (stopReason = schedule.StopReason(query, x, loss.AsSpan(0, step + 1))) is not null)
            {
                break;
            }

            taken++;
            if (step == 0)
            {
                for (int j = 0; j < m; j++)
                {
                    before[j] = (float)objective.Cosines[j];
                }
            }

            optimizer.Step(x, gradient);
        }

        double finalLoss = objective.Loss(x);
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(x) || !double.IsFinite(finalLoss))
        {
            throw new RefinementDivergedException(FormattableString.Invariant(
                $"The refinement diverged: after {taken} steps at learning rate {schedule.LearningRate:G3} the query vector or the loss is not finite; lower the learning rate or the steps."));
        }

        var judged = new JudgedDocument[m];
        for (int j = 0; j < m; j++)
        {
            string id = ids?[j] ?? j.ToString(System.Globalization.CultureInfo.InvariantCulture);
            judged[j] = new JudgedDocument(id, scores[j], before[j], (float)objective.Cosines[j]);
        }

        return new RefinementResult(x, taken == loss.Length ? loss : loss[..taken], finalLoss, judged, schedule.LearningRate, options.Mode) { StopReason = stopReason };
    }

    private static void Validate(ReadOnlySpan<float> query, ReadOnlySpan<float> documents, ReadOnlySpan<float> scores, IReadOnlyList<string>? ids)
    {
        if (query.IsEmpty)
        {
            throw new ArgumentException("The query vector is empty.", nameof(query));
        }

        if (scores.IsEmpty)
        {
            throw new ArgumentException("There are no judged documents: the score list is empty.", nameof(scores));
        }

        if (documents.Length != scores.Length * query.Length)
        {
            throw new DimensionMismatchException(
                $"The document matrix holds {documents.Length} floats; {scores.Length} documents of dimension {query.Length} need {scores.Length * query.Length}.");
        }

        if (ids is not null && ids.Count != scores.Length)
        {
            throw new ArgumentException($"{ids.Count} ids were given for {scores.Length} documents.", nameof(ids));
        }

        Guard.Finite(query, "query vector");
        Guard.NonZero(query, "query vector");
        Guard.Finite(scores, "judge scores");
        int d = query.Length;
        for (int j = 0; j < scores.Length; j++)
        {
            ReadOnlySpan<float> row = documents.Slice(j * d, d);
            Guard.Finite(row, $"document {j}");
            Guard.NonZero(row, $"document {j}");
        }
    }
}
