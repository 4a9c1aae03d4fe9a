using System.Globalization;
using RefineMemory.Evaluation.Protocol;

namespace RefineMemory.Evaluation.Reports;

/// <summary>Writes <c>per_query.csv</c>: one row per query with every method's metrics, judge cost and timings.</summary>
public static class PerQueryCsvWriter
{
    /// <summary>Writes one CSV row per query and method of <paramref name="result"/>.</summary>
    public static void Write(EvaluationResult result, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        var header = new List<string> { "query_id", "query", "pool", "positives" };
        foreach (string m in result.MethodNames)
        {
            header.AddRange([$"{m}_ap", $"{m}_auc", $"{m}_ndcg10", $"{m}_recall10", $"{m}_recall20"]);
        }

        header.AddRange(["refined", "skipped_reason", "feedback", "judge_failures", "judge_calls", "judge_ms", "optimise_ms", "hyde_ms", "loss_first", "loss_last", "first_relevant_before", "first_relevant_after"]);
        writer.WriteLine(string.Join(',', header));
        foreach (var q in result.Queries)
        {
            var row = new List<string> { Quote(q.QueryId), Quote(q.Query), Int(q.PoolSize), Int(q.Positives) };
            foreach (string m in result.MethodNames)
            {
                var x = q.Methods[m];
                row.AddRange([N(x.AveragePrecision), N(x.RocAuc), N(x.Ndcg10), N(x.Recall10), N(x.Recall20)]);
            }

            row.AddRange([
                q.Refined ? "1" : "0", Quote(q.SkippedReason ?? ""), Int(q.FeedbackDocuments), Int(q.JudgeFailures), Int(q.JudgeCalls),
                N(q.JudgeTime.TotalMilliseconds), N(q.OptimiseTime.TotalMilliseconds), N(q.HydeTime.TotalMilliseconds),
                q.Loss.Count > 0 ? N(q.Loss[0]) : "", q.Loss.Count > 0 ? N(q.Loss[^1]) : "",
                Int(q.FirstRelevantBefore), Int(q.FirstRelevantAfter)]);
            writer.WriteLine(string.Join(',', row));
        }
    }

    private static string N(double v) => ReportFormat.Number(v, "0.######");

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
