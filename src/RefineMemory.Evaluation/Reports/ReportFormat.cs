using System.Globalization;

namespace RefineMemory.Evaluation.Reports;

internal static class ReportFormat
{
    public static string Number(double value, string format = "0.####") =>
        double.IsNaN(value) ? "" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Percent(double value) =>
        double.IsNaN(value) ? "n/a" : (value * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %";
}
