using System.Text.Json;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Evaluation.Statistics;

namespace RefineMemory.Evaluation.Reports;

/// <summary>
/// Writes <c>summary.json</c>: per method (<c>baseline</c>, <c>refined</c>, <c>rerank</c>, <c>hyde</c>) the mean
/// <c>map</c>, <c>auc</c>, <c>ndcg10</c>, <c>recall10</c>, <c>recall20</c>, <c>queries</c>, <c>judge_calls</c> (calls to
/// a model judge over all queries; 0 for judges that call no model) and <c>judgements</c> (documents judged, scored or
/// failed), the comparison with the baseline (difference, relative gain, bootstrap intervals), and judge cost and timings.
/// </summary>
public static class SummaryJsonWriter
{
    /// <summary>Writes the summary of <paramref name="result"/> (per-method metrics, run settings) as JSON to <paramref name="destination"/>.</summary>
    public static void Write(EvaluationResult result, RunInfo info, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(destination);
        using var w = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = true });
        var o = result.Options.Refinement;
        w.WriteStartObject();
        w.WriteString("dataset", result.Dataset.Name);
        w.WriteNumber("queries", result.Queries.Count);
        w.WriteNumber("documents", result.Dataset.Documents.Count);
        w.WriteNumber("pairs", result.Queries.Sum(q => q.PoolSize));
        w.WriteNumber("positives", result.Queries.Sum(q => q.Positives));
        w.WriteString("embedder", info.Embedder);
        w.WriteString("command", info.Command);
        w.WriteStartObject("settings");
        w.WriteString("mode", o.Mode.ToString());
        w.WriteNumber("learningRate", o.EffectiveLearningRate);
        w.WriteString("stepRule", o.LearningRate is null ? o.StepRule.ToString() : "Explicit");
        w.WriteString("step", ReportFormat.Step(o));
        w.WriteNumber("steps", o.Steps);
        w.WriteNumber("feedbackCount", o.FeedbackCount);
        w.WriteNumber("feedbackFromTop", o.FeedbackFromTop);
        w.WriteString("feedbackStrategy", RefineMemory.Refine.FeedbackStrategyNames.Of(o.FeedbackStrategy));
        w.WriteNumber("minimumJudged", o.MinimumJudged);
        w.WriteNumber("seed", o.Seed);
        w.WriteNumber("bootstrapSamples", result.Options.BootstrapSamples);
        w.WriteNumber("confidence", result.Options.Confidence);
        w.WriteEndObject();

        w.WriteStartObject("methods");
        foreach (var s in result.Summaries)
        {
            w.WriteStartObject(s.Method);
            Number(w, "map", s.Map);
            Number(w, "auc", s.Auc);
            Number(w, "ndcg10", s.Ndcg10);
            Number(w, "recall10", s.Recall10);
            Number(w, "recall20", s.Recall20);
            w.WriteNumber("queries", s.Queries);
            w.WriteNumber("judge_calls", s.JudgeCalls);
            w.WriteNumber("judgements", s.Judgements);
            Comparison(w, "mapVersusBaseline", s.MapVersusBaseline);
            Comparison(w, "aucVersusBaseline", s.AucVersusBaseline);
            Comparison(w, "ndcg10VersusBaseline", s.Ndcg10VersusBaseline);
            w.WriteEndObject();
        }

        w.WriteEndObject();

        var q = result.Queries;
        w.WriteStartObject("judge");
        w.WriteString("name", info.Judge);
        w.WriteBoolean("isOracle", info.JudgeIsOracle);
        w.WriteNumber("feedbackDocuments", q.Sum(r => r.FeedbackDocuments));
        w.WriteNumber("failures", q.Sum(r => r.JudgeFailures));
        w.WriteNumber("calls", q.Sum(r => r.JudgeCalls));
        w.WriteNumber("refinedQueries", q.Count(r => r.Refined));
        w.WriteNumber("skippedQueries", q.Count(r => !r.Refined));
        w.WriteEndObject();

        w.WriteStartObject("timing");
        w.WriteNumber("totalSeconds", result.Elapsed.TotalSeconds);
        w.WriteNumber("embeddingSeconds", result.EmbeddingTime.TotalSeconds);
        Number(w, "judgeSecondsPerQuery", q.Count == 0 ? double.NaN : q.Average(r => r.JudgeTime.TotalSeconds));
        Number(w, "optimiseSecondsPerQuery", q.Count == 0 ? double.NaN : q.Average(r => r.OptimiseTime.TotalSeconds));
        Number(w, "hydeSecondsPerQuery", q.Count == 0 ? double.NaN : q.Average(r => r.HydeTime.TotalSeconds));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Comparison(Utf8JsonWriter w, string name, PairedComparison? c)
    {
        if (c is null)
        {
            return;
        }

        w.WriteStartObject(name);
        Number(w, "difference", c.Difference);
        Interval(w, "differenceCi", c.DifferenceLow, c.DifferenceHigh);
        Number(w, "relativeGain", c.RelativeGain);
        Interval(w, "relativeGainCi", c.RelativeLow, c.RelativeHigh);
        Number(w, "shareOfResamplesNotBetter", c.ShareNotBetter);
        w.WriteNumber("pairs", c.Queries);
        w.WriteEndObject();
    }

    private static void Interval(Utf8JsonWriter w, string name, double low, double high)
    {
        w.WriteStartArray(name);
        Value(w, low);
        Value(w, high);
        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        Value(w, value);
    }

    private static void Value(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(Math.Round(value, 6));
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
