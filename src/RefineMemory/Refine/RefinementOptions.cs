namespace RefineMemory.Refine;

/// <summary>
/// Settings of the query refinement. The default step is the one chosen on validation splits (docs/evaluation.md):
/// rate 1e-4 x sqrt(1024/d), at most 1,000 Adam steps, stopping once the query has turned 0.45 rad.
/// <see cref="UsePaperStep"/> restores the paper's fixed step (lr 1e-4, 100 steps).
/// </summary>
public sealed class RefinementOptions
{
    /// <summary>Learning rate of the paper's KL mode (1e-4).</summary>
    public const double DefaultLearningRate = 1e-4;

    /// <summary>Learning rate of ReFIT mode (5e-3).</summary>
    public const double DefaultReFitLearningRate = 5e-3;

    /// <summary>Most Adam steps accepted (10,000): beyond it a search is slow for no gain; larger values are an error.</summary>
    public const int MaxSteps = 10_000;

    /// <summary>Largest learning rate accepted (1.0): the query vector has unit scale, larger steps only diverge.</summary>
    public const double MaxLearningRate = 1.0;

    /// <summary>Most documents judged per query (100): a paid judge bills every one; larger values are an error.</summary>
    public const int MaxFeedbackCount = 100;

    /// <summary>Longest judge budget accepted (1 hour).</summary>
    public static readonly TimeSpan MaxJudgeBudget = TimeSpan.FromHours(1);

    /// <summary>The loss to minimise. Default <see cref="RefinementMode.KlDivergence"/>.</summary>
    public RefinementMode Mode { get; set; } = RefinementMode.KlDivergence;

    /// <summary>The paper's Adam steps (100), used by <see cref="UsePaperStep"/>.</summary>
    public const int PaperSteps = 100;

    /// <summary>Most Adam steps of the validated step (1,000); the angle budget usually stops it after about 140 at d = 384.</summary>
    public const int ValidatedSteps = 1000;

    /// <summary>The angle budget of the validated step (0.45 rad), chosen on validation splits.</summary>
    public const double ValidatedMaxAngle = 0.45;

    /// <summary>Most Adam steps. Default <see cref="ValidatedSteps"/> (1,000); with <see cref="MaxAngle"/> set, fewer may run.</summary>
    public int Steps { get; set; } = ValidatedSteps;

    /// <summary>Adam learning rate. Default <c>null</c>: 1e-4, or 5e-3 in ReFIT mode.</summary>
    public double? LearningRate { get; set; }

    /// <summary>
    /// How the default learning rate (<see cref="LearningRate"/> unset) follows from the dimension. An explicit
    /// <see cref="LearningRate"/> is used as given. Default <see cref="StepSizeRule.DimensionScaled"/>: every
    /// model's query turns per step by the angle the paper's rate turns a 1024-d one.
    /// </summary>
    public StepSizeRule StepRule { get; set; } = StepSizeRule.DimensionScaled;

    /// <summary>The dimension at which <see cref="StepSizeRule.DimensionScaled"/> uses the mode's rate unscaled. Default 1024 (the paper's Qwen3-Embedding-0.6B).</summary>
    public int ReferenceDimension { get; set; } = 1024;

    /// <summary>
    /// Stop once the query has turned this many radians from where it started. Default
    /// <see cref="ValidatedMaxAngle"/> (0.45); <c>null</c>: no limit.
    /// </summary>
    public double? MaxAngle { get; set; } = ValidatedMaxAngle;

    /// <summary>
    /// Stop once the loss fell by less than this fraction over the last <see cref="LossPlateauWindow"/> steps.
    /// Default <c>null</c>: run every step.
    /// </summary>
    public double? LossPlateauTolerance { get; set; }

    /// <summary>Steps over which <see cref="LossPlateauTolerance"/> is measured. Default 10.</summary>
    public int LossPlateauWindow { get; set; } = 10;

    /// <summary>Temperature dividing the min-max normalised judge scores in ReFIT mode. Default 2.</summary>
    public double Temperature { get; set; } = 2;

    /// <summary>Adam's first-moment decay. Default 0.9.</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Adam's second-moment decay. Default 0.999.</summary>
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Adam's denominator term. Default 1e-8.</summary>
    public double Epsilon { get; set; } = 1e-8;

    /// <summary>Documents judged per query. Default 20.</summary>
    public int FeedbackCount { get; set; } = 20;

    /// <summary>
    /// How many of the judged documents are the top ones by cosine; the remaining
    /// <c>FeedbackCount - FeedbackFromTop</c> are sampled uniformly from the rest. Default 20 (all from the top).
    /// </summary>
    public int FeedbackFromTop { get; set; } = 20;

    /// <summary>
    /// Which documents are judged and in how many rounds. Default <see cref="FeedbackStrategy.Top"/>: the top
    /// <see cref="FeedbackCount"/> in one round, the paper's protocol and the one every published figure used; the
    /// others await the budget grid of issue 22 (docs/evaluation.md) before one of them may become the default.
    /// </summary>
    public FeedbackStrategy FeedbackStrategy { get; set; } = FeedbackStrategy.Top;

    /// <summary>
    /// Documents judged per round by <see cref="FeedbackStrategy.Rounds"/> and <see cref="FeedbackStrategy.EarlyStop"/>.
    /// Default 5: the fewest a refinement needs (<see cref="MinimumJudged"/>), so every round can refine, and one
    /// batched chat call (<c>ChatRelevanceJudgeOptions.BatchSize</c> 5) per round.
    /// </summary>
    public int FeedbackRoundSize { get; set; } = 5;

    /// <summary>
    /// Weight of spread against relevance in <see cref="FeedbackStrategy.Diverse"/>'s maximal marginal relevance
    /// ((1 - w) cos(query, d) - w max cos(d, chosen)), in [0, 1). Default 0.3: mostly relevance, as the judge should
    /// still see likely positives; not tuned yet.
    /// </summary>
    public double DiversityWeight { get; set; } = 0.3;

    /// <summary>How many of the best documents <see cref="FeedbackStrategy.EarlyStop"/> watches for change. Default 10 (a search's default top).</summary>
    public int EarlyStopDepth { get; set; } = 10;

    /// <summary>
    /// Whether the final ranking keeps the judge's verdicts: documents judged relevant (score at least 0.5) first, by
    /// judge score; then the refined ranking of the documents nobody judged; those judged not relevant last. Default
    /// false: the refined ranking alone, the paper's protocol (docs/evaluation.md compares both on validation).
    /// </summary>
    public bool Fusion { get; set; }

    /// <summary>Seed of the feedback sampler. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// Fewest successfully judged documents for which refinement runs; with fewer, the unrefined
    /// ranking is returned and the result says why. Default 5.
    /// </summary>
    public int MinimumJudged { get; set; } = 5;

    /// <summary>
    /// Total time the judge may take for one query, retries included. When it runs out the judge is cancelled and
    /// the query is refined on the documents judged so far (if at least <see cref="MinimumJudged"/>), else left
    /// unrefined; either way the outcome says so. Default 20 seconds.
    /// </summary>
    public TimeSpan JudgeBudget { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The learning rate in effect: <see cref="LearningRate"/> or the mode's default.</summary>
    public double EffectiveLearningRate =>
        LearningRate ?? (Mode == RefinementMode.ReFit ? DefaultReFitLearningRate : DefaultLearningRate);

    /// <summary>
    /// Switches to the step chosen on validation splits (the default; docs/evaluation.md): rate 1e-4 x sqrt(1024/d),
    /// at most 1,000 steps, stopping once the query has turned <see cref="ValidatedMaxAngle"/> radians.
    /// </summary>
    public RefinementOptions UseValidatedStep() => UseStep(StepSizeRule.DimensionScaled, ValidatedSteps, ValidatedMaxAngle);

    /// <summary>
    /// Switches to the paper's fixed step: the mode's rate as given (1e-4 for KL, 5e-3 for ReFIT) whatever the
    /// dimension, exactly <see cref="PaperSteps"/> steps, no angle budget, no early stopping.
    /// </summary>
    public RefinementOptions UsePaperStep() => UseStep(StepSizeRule.Fixed, PaperSteps, maxAngle: null);

    private RefinementOptions UseStep(StepSizeRule rule, int steps, double? maxAngle)
    {
        LearningRate = null;
        StepRule = rule;
        Steps = steps;
        MaxAngle = maxAngle;
        LossPlateauTolerance = null;
        return this;
    }

    /// <summary>The learning rate for embeddings of <paramref name="dimension"/>: <see cref="EffectiveLearningRate"/>, scaled when <see cref="StepRule"/> says so and no rate was given.</summary>
    public double LearningRateFor(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        return LearningRate is null && StepRule == StepSizeRule.DimensionScaled
            ? EffectiveLearningRate * Math.Sqrt((double)ReferenceDimension / dimension)
            : EffectiveLearningRate;
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Steps, 1, nameof(Steps));
        if (Steps > MaxSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, FormattableString.Invariant($"Steps must be at most {MaxSteps}."));
        }

        if (!(EffectiveLearningRate > 0) || !(EffectiveLearningRate <= MaxLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, FormattableString.Invariant($"The learning rate must be a number above 0 and at most {MaxLearningRate}."));
        }

        if (!(Temperature > 0) || !double.IsFinite(Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "The temperature must be a positive finite number.");
        }

        if (!(Beta1 >= 0 && Beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "Beta1 must be in [0, 1).");
        }

        if (!(Beta2 >= 0 && Beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "Beta2 must be in [0, 1).");
        }

        if (!(Epsilon > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "Epsilon must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ReferenceDimension, 1, nameof(ReferenceDimension));
        if (MaxAngle is double angle && !(angle > 0 && angle <= Math.PI))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAngle), MaxAngle, "The angle budget must be in (0, pi] radians.");
        }

        if (LossPlateauTolerance is double tolerance && !(tolerance >= 0 && tolerance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LossPlateauTolerance), LossPlateauTolerance, "The loss plateau tolerance must be in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(LossPlateauWindow, 1, nameof(LossPlateauWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(FeedbackCount, 1, nameof(FeedbackCount));
        if (FeedbackCount > MaxFeedbackCount)
        {
            throw new ArgumentOutOfRangeException(nameof(FeedbackCount), FeedbackCount, FormattableString.Invariant($"At most {MaxFeedbackCount} documents are judged per query (a paid judge bills each one)."));
        }

        if (JudgeBudget <= TimeSpan.Zero || JudgeBudget > MaxJudgeBudget)
        {
            throw new ArgumentOutOfRangeException(nameof(JudgeBudget), JudgeBudget, "The judge budget must be positive and at most one hour.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(FeedbackFromTop, nameof(FeedbackFromTop));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FeedbackFromTop, FeedbackCount, nameof(FeedbackFromTop));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumJudged, 1, nameof(MinimumJudged));
        if (!Enum.IsDefined(FeedbackStrategy))
        {
            throw new ArgumentOutOfRangeException(nameof(FeedbackStrategy), FeedbackStrategy, "Unknown feedback strategy.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(FeedbackRoundSize, 1, nameof(FeedbackRoundSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(EarlyStopDepth, 1, nameof(EarlyStopDepth));
        if (!(DiversityWeight >= 0 && DiversityWeight < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(DiversityWeight), DiversityWeight, "The diversity weight must be in [0, 1).");
        }
    }

    /// <summary>A copy, so per-call overrides do not change shared options.</summary>
    public RefinementOptions Clone() => (RefinementOptions)MemberwiseClone();
}
