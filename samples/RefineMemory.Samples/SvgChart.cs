using System.Globalization;
using System.Text;

namespace RefineMemory.Samples;

/// <summary>Minimal SVG charts (no plotting package is served here); notebooks display them as HTML.</summary>
public static class SvgChart
{
    private const int Width = 480, Height = 300, Margin = 48;

    public static string Line(IReadOnlyList<double> ys, string xLabel, string yLabel)
    {
        ArgumentNullException.ThrowIfNull(ys);
        var points = ys.Select((y, i) => ((double)i, y)).ToArray();
        var (sx, sy, frame) = Frame(points, xLabel, yLabel);
        var path = string.Join(' ', points.Select((p, i) => (i == 0 ? "M" : "L") + F(sx(p.Item1)) + "," + F(sy(p.Item2))));
        return Wrap(frame + $"<path d=\"{path}\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>");
    }

    public static string Scatter(IReadOnlyList<(double X, double Y, bool Highlight)> points, string xLabel, string yLabel)
    {
        ArgumentNullException.ThrowIfNull(points);
        var (sx, sy, frame) = Frame(points.Select(p => (p.X, p.Y)).ToArray(), xLabel, yLabel);
        var sb = new StringBuilder(frame);
        foreach (var p in points)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(sx(p.X))}\" cy=\"{F(sy(p.Y))}\" r=\"4\" fill=\"{(p.Highlight ? "#2ca02c" : "#d62728")}\"/>");
        }

        return Wrap(sb.ToString());
    }

    /// <summary>Pairs of bars per label (before in grey, after in blue) on a 0..max scale, with a legend.</summary>
    public static string PairedBars(IReadOnlyList<(string Label, double Before, double After)> groups, string yLabel)
    {
        ArgumentNullException.ThrowIfNull(groups);
        double top = Math.Max(groups.Count == 0 ? 1 : groups.Max(g => Math.Max(g.Before, g.After)), 1e-9);
        var (_, sy, frame) = Frame([(0, 0), (Math.Max(groups.Count, 1), top)], string.Empty, yLabel);
        double slot = (Width - (2.0 * Margin)) / Math.Max(groups.Count, 1), bar = slot * 0.38;
        var sb = new StringBuilder(frame);
        for (int i = 0; i < groups.Count; i++)
        {
            double x = Margin + (i * slot) + (slot * 0.12);
            Bar(sb, x, sy(groups[i].Before), sy(0), bar, "#aaaaaa");
            Bar(sb, x + bar, sy(groups[i].After), sy(0), bar, "#1f77b4");
            sb.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(x + bar)}\" y=\"{Height - Margin + 12}\" font-size=\"9\" text-anchor=\"end\" transform=\"rotate(-40 {F(x + bar)} {Height - Margin + 12})\">{Escape(groups[i].Label)}</text>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Margin - 110}\" y=\"8\" width=\"10\" height=\"10\" fill=\"#aaaaaa\"/><text x=\"{Width - Margin - 96}\" y=\"17\" font-size=\"11\">before</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Margin - 50}\" y=\"8\" width=\"10\" height=\"10\" fill=\"#1f77b4\"/><text x=\"{Width - Margin - 36}\" y=\"17\" font-size=\"11\">after</text>");
        return Wrap(sb.ToString());
    }

    private static void Bar(StringBuilder sb, double x, double yTop, double yBottom, double width, string colour) =>
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{F(yTop)}\" width=\"{F(width)}\" height=\"{F(Math.Max(yBottom - yTop, 0))}\" fill=\"{colour}\"/>");

    private static (Func<double, double> X, Func<double, double> Y, string Frame) Frame((double X, double Y)[] points, string xLabel, string yLabel)
    {
        double x0 = points.Length == 0 ? 0 : points.Min(p => p.X), x1 = points.Length == 0 ? 1 : points.Max(p => p.X);
        double y0 = points.Length == 0 ? 0 : points.Min(p => p.Y), y1 = points.Length == 0 ? 1 : points.Max(p => p.Y);
        if (x1 <= x0) { x1 = x0 + 1; }
        if (y1 <= y0) { y1 = y0 + 1e-9; }
        double Sx(double x) => Margin + ((x - x0) / (x1 - x0) * (Width - (2 * Margin)));
        double Sy(double y) => Height - Margin - ((y - y0) / (y1 - y0) * (Height - (2 * Margin)));
        string frame =
            $"<rect x=\"{Margin}\" y=\"{Margin}\" width=\"{Width - (2 * Margin)}\" height=\"{Height - (2 * Margin)}\" fill=\"none\" stroke=\"#999\"/>" +
            $"<text x=\"{Width / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\" font-size=\"12\">{Escape(xLabel)}</text>" +
            $"<text x=\"12\" y=\"{Height / 2}\" font-size=\"12\" transform=\"rotate(-90 12 {Height / 2})\" text-anchor=\"middle\">{Escape(yLabel)}</text>" +
            $"<text x=\"{Margin}\" y=\"{Margin - 6}\" font-size=\"10\">{F(y1)}</text><text x=\"{Margin}\" y=\"{Height - Margin + 14}\" font-size=\"10\">{F(y0)}</text>" +
            $"<text x=\"{Width - Margin}\" y=\"{Height - Margin + 14}\" font-size=\"10\" text-anchor=\"end\">{F(x1)}</text>";
        return (Sx, Sy, frame);
    }

    private static string Wrap(string body) =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\">{body}</svg>";

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Escape(string s) => System.Security.SecurityElement.Escape(s) ?? string.Empty;
}
