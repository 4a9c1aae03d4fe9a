using System.Text;
using RefineMemory.Evaluation.Protocol;

namespace RefineMemory.Evaluation.Reports;

/// <summary>Writes the report set of a run into a folder: summary.json, per_query.csv, report.html.</summary>
public static class ReportSet
{
    /// <summary>Writes every report of <paramref name="result"/> into <paramref name="directory"/> and returns their paths.</summary>
    public static IReadOnlyList<string> Write(EvaluationResult result, RunInfo info, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        string summary = Path.Combine(directory, "summary.json");
        using (var stream = File.Create(summary))
        {
            SummaryJsonWriter.Write(result, info, stream);
        }

        string csv = Path.Combine(directory, "per_query.csv");
        using (var writer = new StreamWriter(csv, false, new UTF8Encoding(false)))
        {
            PerQueryCsvWriter.Write(result, writer);
        }

        string html = Path.Combine(directory, "report.html");
        using (var writer = new StreamWriter(html, false, new UTF8Encoding(false)))
        {
            HtmlReportWriter.Write(result, info, writer);
        }

        return [summary, csv, html];
    }
}
