using System.Net;
using System.Text;
using RefineMemory.Evaluation.Protocol;

namespace RefineMemory.Evaluation.Reports;

/// <summary>
/// Writes a self-contained <c>report.html</c> (inline CSS and SVG, nothing fetched): the run's settings, the
/// method table with relative gains and intervals, MAP per method, the per-query AP-gain distribution, loss
/// curves, and the queries that gained and lost most.
/// </summary>
public static class HtmlReportWriter
{
    /// <summary>Writes the HTML report (tables and charts) of <paramref name="result"/> to <paramref name="writer"/>.</summary>
    public static void Write(EvaluationResult result, RunInfo info, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(writer);
        var o = result.Options.Refinement;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>RefineMemory evaluation: ").Append(E(result.Dataset.Name)).Append("</title>");
        sb.Append("<style>body{font-family:system-ui,sans-serif;max-width:1180px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}")
          .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
          .Append(".oracle{background:#fff3cd;border:1px solid #e0c060;padding:8px}.charts svg{margin:6px;border:1px solid #eee}</style></head><body>");
        sb.Append("<h1>RefineMemory evaluation: ").Append(E(result.Dataset.Name)).Append("</h1>");
        if (info.JudgeIsOracle)
        {
            sb.Append("<p class=\"oracle\">The judge is an oracle (it reads the gold labels, possibly with simulated errors): these figures are an upper bound of what a real judge gives, not a result with a model.</p>");
        }

        sb.Append("<p>").Append(result.Queries.Count).Append(" queries, ").Append(result.Queries.Sum(q => q.PoolSize)).Append(" query-document pairs. Embedder <b>")
          .Append(E(info.Embedder)).Append("</b>, judge <b>").Append(E(info.Judge)).Append("</b>; ").Append(E(o.Mode.ToString())).Append(", ")
          .Append(E(ReportFormat.Step(o))).Append(", ").Append(o.FeedbackCount)
          .Append(" feedback documents (").Append(o.FeedbackFromTop).Append(" from the top). Run time ").Append(ReportFormat.Number(result.Elapsed.TotalSeconds, "0.0"))
          .Append(" s (embedding ").Append(ReportFormat.Number(result.EmbeddingTime.TotalSeconds, "0.0")).Append(" s).</p>");
        sb.Append("<p><code>").Append(E(info.Command)).Append("</code></p>");

        string ci = $"{result.Options.Confidence * 100:0}% CI";
        sb.Append("<table><tr><th>method</th><th>MAP</th><th>ROC-AUC</th><th>nDCG@10</th><th>R@10</th><th>R@20</th><th>MAP gain (relative)</th><th>").Append(ci).Append(" of relative gain</th><th>").Append(ci).Append(" of MAP difference</th></tr>");
        foreach (var s in result.Summaries)
        {
            var c = s.MapVersusBaseline;
            sb.Append("<tr><td>").Append(E(s.Method)).Append("</td><td>").Append(N(s.Map)).Append("</td><td>").Append(N(s.Auc)).Append("</td><td>").Append(N(s.Ndcg10))
              .Append("</td><td>").Append(N(s.Recall10)).Append("</td><td>").Append(N(s.Recall20)).Append("</td><td>")
              .Append(c is null ? "" : ReportFormat.Percent(c.RelativeGain)).Append("</td><td>")
              .Append(c is null ? "" : $"[{ReportFormat.Percent(c.RelativeLow)}, {ReportFormat.Percent(c.RelativeHigh)}]").Append("</td><td>")
              .Append(c is null ? "" : $"[{N(c.DifferenceLow)}, {N(c.DifferenceHigh)}]").Append("</td></tr>");
        }

        sb.Append("</table>");
        var q = result.Queries;
        sb.Append("<p>Judge: ").Append(q.Sum(r => r.FeedbackDocuments)).Append(" documents judged, ").Append(q.Sum(r => r.JudgeFailures)).Append(" failures, ")
          .Append(q.Sum(r => r.JudgeCalls)).Append(" model calls; ").Append(ReportFormat.Number(q.Count == 0 ? 0 : q.Average(r => r.JudgeTime.TotalMilliseconds), "0.0"))
          .Append(" ms judging and ").Append(ReportFormat.Number(q.Count == 0 ? 0 : q.Average(r => r.OptimiseTime.TotalMilliseconds), "0.0"))
          .Append(" ms optimising per query. Refined ").Append(q.Count(r => r.Refined)).Append(" of ").Append(q.Count).Append(" queries.</p>");

        sb.Append("<div class=\"charts\">");
        sb.Append(SvgCharts.Bars("MAP per method", result.Summaries.Select(s => (s.Method, s.Map,
            s.MapVersusBaseline is { } c ? s.Map - c.Difference + c.DifferenceLow : double.NaN,
            s.MapVersusBaseline is { } d ? s.Map - d.Difference + d.DifferenceHigh : double.NaN)).ToArray()));
        var gains = q.Select(r => r.Methods[EvalMethods.Refined].AveragePrecision - r.Methods[EvalMethods.Baseline].AveragePrecision).ToArray();
        sb.Append(SvgCharts.Histogram("Per-query AP gain of refinement", gains));
        sb.Append(SvgCharts.Curves("Loss curves (up to 30 queries)", q.Where(r => r.Loss.Count > 1).Take(30).Select(r => r.Loss).ToArray()));
        sb.Append("</div>");

        sb.Append("<h2>Queries that gained and lost most (AP)</h2><table><tr><th>query</th><th>pool</th><th>positives</th><th>AP before</th><th>AP after</th><th>first relevant rank before → after</th></tr>");
        var ranked = q.OrderByDescending(r => r.Methods[EvalMethods.Refined].AveragePrecision - r.Methods[EvalMethods.Baseline].AveragePrecision).ToList();
        foreach (var r in ranked.Take(5).Concat(ranked.Skip(Math.Max(5, ranked.Count - 5))))
        {
            sb.Append("<tr><td>").Append(E(r.Query.Length > 90 ? r.Query[..87] + "..." : r.Query)).Append("</td><td>").Append(r.PoolSize).Append("</td><td>").Append(r.Positives)
              .Append("</td><td>").Append(N(r.Methods[EvalMethods.Baseline].AveragePrecision)).Append("</td><td>").Append(N(r.Methods[EvalMethods.Refined].AveragePrecision))
              .Append("</td><td>").Append(r.FirstRelevantBefore).Append(" → ").Append(r.FirstRelevantAfter).Append("</td></tr>");
        }

        sb.Append("</table></body></html>");
        writer.Write(sb.ToString());
    }

    private static string N(double v) => ReportFormat.Number(v, "0.0000");

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
