using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using RefineMemory.Evaluation.Protocol;

namespace RefineMemory.Evaluation.Reports;

/// <summary>
/// The tables of <c>refine eval --suite paper</c>: markdown (one table per dataset: judge x method with MAP, nDCG@10,
/// R@10 and the relative MAP gain with its interval) and a self-contained HTML page with the same tables, the gain of
/// each setting against the simulated judge's noise, and the mean loss curves.
/// </summary>
public static partial class SuiteReportWriter
{
    /// <summary>The suite's table as Markdown.</summary>
    public static string Markdown(IReadOnlyList<SuiteRow> rows, SuiteInfo info)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(info);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Embedder `{info.Embedder}`, queries {(info.QueryInstruction ? "with the paper's instruction template" : "as written")}, top-{info.Feedback} feedback; ")
          .Append(CultureInfo.InvariantCulture, $"default = {info.DefaultSetting}; paper = lr 1e-4, 100 steps. Relative MAP gain over the baseline with its 95 % paired-bootstrap CI ({info.BootstrapSamples} resamples of queries). ")
          .Append("Gold and simulated judges read the labels: they are oracles (simulated:P flips each label with probability P). ")
          .Append(CultureInfo.InvariantCulture, $"Produced by `{info.Command}` on {info.Date:yyyy-MM-dd} in {info.Elapsed.TotalMinutes:0.0} min.\n");
        foreach (var set in rows.GroupBy(r => r.Dataset))
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n#### {set.Key} ({set.First().Queries} queries)\n\n");
            sb.Append("| judge | method | MAP | nDCG@10 | R@10 | MAP gain | 95 % CI |\n|---|---|---|---|---|---|---|\n");
            foreach (var r in set)
            {
                string judge = r.Oracle ? r.Judge + " (oracle)" : r.Judge;
                Line(sb, judge, "baseline", r.Baseline);
                Line(sb, "", "refined, paper step", r.Paper);
                Line(sb, "", "refined, default step", r.Default);
                if (r.Rerank is { } rerank)
                {
                    Line(sb, "", "rerank-only", rerank);
                }
            }
        }

        sb.Append("\nHyDE is not measured: it needs a chat model to write the hypothetical passage, and none is reachable here.\n");
        return sb.ToString();
    }

    /// <summary>The suite's table as an HTML page.</summary>
    public static string Html(IReadOnlyList<SuiteRow> rows, SuiteInfo info)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(info);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>RefineMemory quality suite</title>")
          .Append("<style>body{font-family:system-ui,sans-serif;max-width:1180px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}")
          .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child,td:nth-child(2){text-align:left}")
          .Append(".oracle{background:#fff3cd;border:1px solid #e0c060;padding:8px}.charts svg{margin:6px;border:1px solid #eee}</style></head><body>")
          .Append("<h1>RefineMemory quality suite</h1><p class=\"oracle\">Gold and simulated judges read the labels: they are oracles, and their gains are upper bounds, not results with a model.</p>");
        string md = Markdown(rows, info);
        foreach (string line in md.Split('\n'))
        {
            sb.Append(HtmlLine(line));
        }

        sb.Append("</table><h2>Gain against judge noise, and loss curves</h2><div class=\"charts\">");
        foreach (var set in rows.GroupBy(r => r.Dataset))
        {
            var noisy = set.Select(r => (Row: r, Flip: FlipProbability(r.Judge))).Where(x => x.Flip is not null).OrderBy(x => x.Flip).ToArray();
            if (noisy.Length > 1)
            {
                sb.Append(SvgCharts.Curves($"{set.Key}: relative MAP gain vs flip probability ({string.Join(", ", noisy.Select(x => x.Flip!.Value.ToString("0.##", CultureInfo.InvariantCulture)))})",
                    [noisy.Select(x => x.Row.Paper.MapVersusBaseline!.RelativeGain).ToArray(), noisy.Select(x => x.Row.Default.MapVersusBaseline!.RelativeGain).ToArray()],
                    relative: false, xLabel: "simulated judge's flip probability", legend: ["paper step", "default step"]));
            }

            sb.Append(SvgCharts.Curves($"{set.Key}: mean loss / loss before, default step", set.Select(r => (IReadOnlyList<double>)r.MeanLoss).ToArray(),
                relative: false, xLabel: "Adam step", legend: set.Select(r => r.Judge).ToArray()));
        }

        return sb.Append("</div></body></html>").ToString();
    }

    private static void Line(StringBuilder sb, string judge, string method, MethodSummary s)
    {
        var c = s.MapVersusBaseline;
        sb.Append(CultureInfo.InvariantCulture, $"| {judge} | {method} | {N(s.Map)} | {N(s.Ndcg10)} | {N(s.Recall10)} | {(c is null ? "" : ReportFormat.Percent(c.RelativeGain))} | {(c is null ? "" : $"{ReportFormat.Percent(c.RelativeLow)} .. {ReportFormat.Percent(c.RelativeHigh)}")} |\n");
    }

    /// <summary>0 for gold, P for simulated:P, <c>null</c> for model judges.</summary>
    private static double? FlipProbability(string judge) =>
        judge == "gold" ? 0
        : judge.StartsWith("simulated:", StringComparison.Ordinal) && double.TryParse(judge["simulated:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out double p) ? p
        : null;

    /// <summary>The markdown produced above, as HTML: headings, table rows, paragraphs.</summary>
    private static string HtmlLine(string line)
    {
        if (line.StartsWith("#### ", StringComparison.Ordinal))
        {
            return "</table><h3>" + E(line[5..]) + "</h3><table>";
        }

        if (line.StartsWith("|---", StringComparison.Ordinal))
        {
            return "";
        }

        if (line.StartsWith('|'))
        {
            string tag = line.StartsWith("| judge |", StringComparison.Ordinal) ? "th" : "td";
            return "<tr>" + string.Concat(line.Trim('|').Split('|').Select(c => $"<{tag}>{E(c.Trim())}</{tag}>")) + "</tr>";
        }

        return line.Length == 0 ? "" : "<p>" + Code().Replace(E(line), "<code>$1</code>") + "</p><table>";
    }

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex Code();

    private static string N(double v) => ReportFormat.Number(v, "0.000");

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
