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
