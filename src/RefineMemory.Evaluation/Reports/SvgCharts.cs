using System.Globalization;
using System.Net;
using System.Text;

namespace RefineMemory.Evaluation.Reports;

/// <summary>Small inline SVG charts (no scripts, no external files): bars, a histogram, and line curves.</summary>
internal static class SvgCharts
{
    private const int Width = 560, Height = 260, Left = 50, Right = 15, Top = 20, Bottom = 45;
    private static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"];

    /// <summary>One bar per (label, value, optional interval).</summary>
    public static string Bars(string title, IReadOnlyList<(string Label, double Value, double Low, double High)> bars, double max = 1)
    {
        var sb = Begin(title);
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        Axis(sb, 0, max);
        double slot = plotW / Math.Max(1, bars.Count);
        for (int i = 0; i < bars.Count; i++)
        {
            var (label, value, low, high) = bars[i];
            double v = double.IsNaN(value) ? 0 : value;
            double h = plotH * v / max;
            double x = Left + (i * slot) + (slot * 0.2);
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{F(Top + plotH - h)}\" width=\"{F(slot * 0.6)}\" height=\"{F(h)}\" fill=\"{Palette[i % Palette.Length]}\"/>");
            if (!double.IsNaN(low) && !double.IsNaN(high))
            {
                double cx = x + (slot * 0.3);
                sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(cx)}\" x2=\"{F(cx)}\" y1=\"{F(Top + plotH - (plotH * high / max))}\" y2=\"{F(Top + plotH - (plotH * low / max))}\" stroke=\"#222\" stroke-width=\"1.5\"/>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + (slot * 0.3))}\" y=\"{F(Top + plotH - h - 4)}\" text-anchor=\"middle\" font-size=\"11\">{ReportFormat.Number(value, "0.000")}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + (slot * 0.3))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" font-size=\"12\">{Esc(label)}</text>");
        }

        return End(sb);
    }

    /// <summary>A histogram of <paramref name="values"/> in <paramref name="bins"/> equal bins, with a line at zero.</summary>
    public static string Histogram(string title, IReadOnlyList<double> values, int bins = 20)
    {
        var sb = Begin(title);
        var finite = values.Where(double.IsFinite).ToArray();
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        if (finite.Length == 0)
        {
            return End(sb);
        }

        double lo = Math.Min(finite.Min(), 0), hi = Math.Max(finite.Max(), 0);
        if (hi - lo < 1e-9)
        {
            hi = lo + 1e-3;
        }

        var counts = new int[bins];
        foreach (double v in finite)
        {
            counts[Math.Min(bins - 1, (int)((v - lo) / (hi - lo) * bins))]++;
        }

        int maxCount = counts.Max();
        Axis(sb, 0, maxCount);
        double w = plotW / bins;
        for (int b = 0; b < bins; b++)
        {
            double h = plotH * counts[b] / maxCount;
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(Left + (b * w))}\" y=\"{F(Top + plotH - h)}\" width=\"{F(w - 1)}\" height=\"{F(h)}\" fill=\"#4e79a7\"/>");
        }

        double zero = Left + (plotW * (0 - lo) / (hi - lo));
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(zero)}\" x2=\"{F(zero)}\" y1=\"{Top}\" y2=\"{F(Top + plotH)}\" stroke=\"#e15759\" stroke-dasharray=\"4 3\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - Bottom + 16}\" font-size=\"11\">{ReportFormat.Number(lo, "0.000")}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{Height - Bottom + 16}\" text-anchor=\"end\" font-size=\"11\">{ReportFormat.Number(hi, "0.000")}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left + (plotW / 2))}\" y=\"{Height - 8}\" text-anchor=\"middle\" font-size=\"11\">AP refined - AP baseline, per query</text>");
        return End(sb);
    }

    /// <summary>Line curves (e.g. loss per Adam step), each normalised to its first value when <paramref name="relative"/>.</summary>
    public static string Curves(string title, IReadOnlyList<IReadOnlyList<double>> curves, bool relative = true, string? xLabel = null, IReadOnlyList<string>? legend = null)
    {
        var sb = Begin(title);
        var series = curves.Where(c => c.Count > 1).Select(c => relative && c[0] != 0 ? c.Select(v => v / c[0]).ToArray() : c.ToArray()).ToArray();
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        if (series.Length == 0)
        {
            return End(sb);
        }

        double lo = series.Min(s => s.Where(double.IsFinite).DefaultIfEmpty(0).Min());
        double hi = series.Max(s => s.Where(double.IsFinite).DefaultIfEmpty(1).Max());
        if (hi - lo < 1e-12)
        {
            hi = lo + 1e-6;
        }

        int steps = series.Max(s => s.Length);
        Axis(sb, lo, hi);
        for (int k = 0; k < series.Length; k++)
        {
            var points = new StringBuilder();
            for (int i = 0; i < series[k].Length; i++)
            {
                double x = Left + (plotW * i / Math.Max(1, steps - 1));
                double y = Top + plotH - (plotH * (series[k][i] - lo) / (hi - lo));
                points.Append(CultureInfo.InvariantCulture, $"{F(x)},{F(y)} ");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Palette[k % Palette.Length]}\" stroke-opacity=\"0.6\" points=\"{points.ToString().TrimEnd()}\"/>");
        }

        for (int k = 0; k < (legend?.Count ?? 0) && k < series.Length; k++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right - 4}\" y=\"{Top + 12 + (k * 13)}\" text-anchor=\"end\" font-size=\"11\" fill=\"{Palette[k % Palette.Length]}\">{Esc(legend![k])}</text>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left + (plotW / 2))}\" y=\"{Height - 8}\" text-anchor=\"middle\" font-size=\"11\">{Esc(xLabel ?? "Adam step (loss" + (relative ? " / loss before refinement" : "") + ")")}</text>");
        return End(sb);
    }

    private static StringBuilder Begin(string title)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Esc(title)}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"14\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{Esc(title)}</text>");
        return sb;
    }

    private static string End(StringBuilder sb) => sb.Append("</svg>").ToString();

    private static void Axis(StringBuilder sb, double lo, double hi)
    {
        double plotH = Height - Top - Bottom;
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{F(Top + plotH)}\" stroke=\"#444\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Top + plotH)}\" y2=\"{F(Top + plotH)}\" stroke=\"#444\"/>");
        for (int t = 0; t <= 4; t++)
        {
            double v = lo + ((hi - lo) * t / 4);
            double y = Top + plotH - (plotH * t / 4);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{F(y + 4)}\" text-anchor=\"end\" font-size=\"10\">{ReportFormat.Number(v, "0.###")}</text>");
        }
    }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
