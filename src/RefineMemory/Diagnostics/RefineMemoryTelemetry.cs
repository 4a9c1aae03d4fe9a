using System.Diagnostics;
using System.Diagnostics.Metrics;
using RefineMemory.Search;

namespace RefineMemory.Diagnostics;

/// <summary>
/// RefineMemory's OpenTelemetry signals: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>. A refined search is a span <c>refinememory.search</c> with a child span per stage (embed,
/// retrieve, judge, refine, rescore); the meter counts searches, judge calls and failures and records stage latencies.
/// Nothing is recorded, and no tag is computed, unless a listener subscribes (<c>AddSource(RefineMemoryTelemetry.Name)</c>,
/// <c>AddMeter(RefineMemoryTelemetry.Name)</c>).
/// </summary>
public static class RefineMemoryTelemetry
{
    /// <summary>The name of the activity source and of the meter: "RefineMemory".</summary>
    public const string Name = "RefineMemory";

    /// <summary>The root span of one refined search.</summary>
    public const string SearchSpan = "refinememory.search";

    private static readonly string? Version = typeof(RefineMemoryTelemetry).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(Name, Version);

    private static readonly Meter Meter = new(Name, Version);

    private static readonly Counter<long> Searches = Meter.CreateCounter<long>("refinememory.searches", "{search}", "Refined searches run (tag refinememory.refined: whether the vector was refined).");

    private static readonly Counter<long> JudgeCalls = Meter.CreateCounter<long>("refinememory.judge.calls", "{call}", "Model calls made by the judge.");

    private static readonly Counter<long> JudgeFailures = Meter.CreateCounter<long>("refinememory.judge.failures", "{document}", "Feedback documents the judge could not score.");

    private static readonly Histogram<double> SearchDuration = Meter.CreateHistogram<double>("refinememory.search.duration", "s", "Duration of a refined search.");

    private static readonly Histogram<double> StageDuration = Meter.CreateHistogram<double>("refinememory.stage.duration", "s", "Duration of one stage of a refined search (tag refinememory.stage).");

    /// <summary>Whether anyone listens: when not, the pipeline skips every telemetry computation.</summary>
    internal static bool Enabled => Source.HasListeners() || Searches.Enabled || StageDuration.Enabled || SearchDuration.Enabled || JudgeCalls.Enabled || JudgeFailures.Enabled;

    /// <summary>The root span, or <c>null</c> without a listener. Tags follow OpenTelemetry's database conventions where one exists.</summary>
    internal static Activity? StartSearch(CollectionInfo collection, int top, int feedback, bool refine)
    {
        var activity = Source.StartActivity(SearchSpan, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", collection.System);
            activity.SetTag("db.collection.name", collection.Name);
            activity.SetTag("refinememory.top", top);
            activity.SetTag("refinememory.feedback", feedback);
            activity.SetTag("refinememory.refine", refine);
        }

        return activity;
    }

    /// <summary>A child span of the current search for <paramref name="stage"/>, or <c>null</c> without a listener.</summary>
    internal static Activity? StartStage(string stage)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var parent = Activity.Current;
        var activity = Source.StartActivity("refinememory." + stage, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("refinememory.stage", stage);
            if (stage is TelemetryStage.Retrieve or TelemetryStage.Rescore)
            {
                // The store's search: the database conventions' operation and collection.
                activity.SetTag("db.operation.name", "search");
                activity.SetTag("db.collection.name", parent?.GetTagItem("db.collection.name"));
            }
        }

        return activity;
    }

    /// <summary>Tags the root span with what the search did and records the metrics, from the search's own diagnostics.</summary>
    internal static void Complete(Activity? activity, CollectionInfo collection, SearchDiagnostics d)
    {
        var judge = d.Judge;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("refinememory.refined", d.Refined);
            activity.SetTag("refinememory.judged", d.Judged.Count);
            activity.SetTag("refinememory.judge.failed", judge?.Failed ?? 0);
            activity.SetTag("refinememory.judge.calls", judge?.Calls ?? 0);
            activity.SetTag("refinememory.passes", d.Passes);
            activity.SetTag("refinememory.candidates", d.Candidates);
            activity.SetTag("refinememory.angle", d.Step?.AngleTurned);
            activity.SetTag("refinememory.skipped_reason", d.SkippedReason);
            if (judge is { InputTokens: > 0 } or { OutputTokens: > 0 })
            {
                activity.SetTag("gen_ai.usage.input_tokens", judge.InputTokens);
                activity.SetTag("gen_ai.usage.output_tokens", judge.OutputTokens);
            }
        }

        var tags = new TagList { { "db.collection.name", collection.Name }, { "refinememory.refined", d.Refined } };
        Searches.Add(1, tags);
        SearchDuration.Record(d.TotalTime.TotalSeconds, tags);
        if (judge is not null)
        {
            JudgeCalls.Add(judge.Calls, new KeyValuePair<string, object?>("db.collection.name", collection.Name));
            JudgeFailures.Add(judge.Failed, new KeyValuePair<string, object?>("db.collection.name", collection.Name));
        }

        if (StageDuration.Enabled)
        {
            Stage(TelemetryStage.Embed, d.EmbedTime, collection.Name);
            Stage(TelemetryStage.Retrieve, d.RetrieveTime, collection.Name);
            Stage(TelemetryStage.Judge, d.JudgeTime, collection.Name);
            Stage(TelemetryStage.Refine, d.OptimiseTime, collection.Name);
            Stage(TelemetryStage.Rescore, d.RescoreTime, collection.Name);
        }
    }

    /// <summary>Marks the span as failed with the exception's type (the conventions' <c>error.type</c>).</summary>
    internal static bool Fail(Activity? activity, Exception exception)
    {
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity.SetTag("error.type", exception.GetType().FullName);
            activity.AddException(exception);
        }

        return false;
    }

    private static void Stage(string stage, TimeSpan time, string? collection)
    {
        // Stages that did not run (no refinement: judge, refine, rescore) take no time and are not recorded.
        if (time > TimeSpan.Zero)
        {
            StageDuration.Record(time.TotalSeconds, new KeyValuePair<string, object?>("refinememory.stage", stage), new KeyValuePair<string, object?>("db.collection.name", collection));
        }
    }
}

/// <summary>The stage names of a refined search's spans (<c>refinememory.{stage}</c>) and of the stage-duration metric.</summary>
public static class TelemetryStage
{
    /// <summary>Embedding the query (or writing and embedding HyDE's documents).</summary>
    public const string Embed = "embed";

    /// <summary>The store's first search, with stored vectors.</summary>
    public const string Retrieve = "retrieve";

    /// <summary>The judge scoring the feedback sample.</summary>
    public const string Judge = "judge";

    /// <summary>The optimiser refining the query vector.</summary>
    public const string Refine = "refine";

    /// <summary>The store's second search, with the refined vector.</summary>
    public const string Rescore = "rescore";
}

/// <summary>What the telemetry says of the searched collection: the VectorData metadata, read once.</summary>
internal sealed record CollectionInfo(string? Name, string? System)
{
    /// <summary>The collection's name and store system from its <see cref="Microsoft.Extensions.VectorData.VectorStoreCollectionMetadata"/>, when it has one.</summary>
    public static CollectionInfo Of(object? metadata) => metadata is Microsoft.Extensions.VectorData.VectorStoreCollectionMetadata m
        ? new(m.CollectionName, m.VectorStoreSystemName)
        : new(null, null);
}
