using System.Globalization;
using System.Text;
using RefineMemory.Refine;

namespace RefineMemory.Evaluation.Reports;

/// <summary>How reports write numbers, gains and step settings.</summary>
public static class ReportFormat
{
    /// <summary><paramref name="value"/> in the invariant culture with <paramref name="format"/>.</summary>
    public static string Number(double value, string format = "0.####") =>
        double.IsNaN(value) ? "" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary><paramref name="value"/> (a fraction) as a signed percentage with one decimal.</summary>
    public static string Percent(double value) =>
        double.IsNaN(value) ? "n/a" : (value * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>The step settings in words, e.g. "lr 1e-4 x sqrt(1024/d), 300 steps".</summary>
    public static string Step(RefinementOptions o)
    {
        var text = new StringBuilder();
        text.Append(o.LearningRate is double lr ? $"lr {lr.ToString("0.#####", CultureInfo.InvariantCulture)}"
            : o.StepRule == StepSizeRule.DimensionScaled ? $"lr {o.EffectiveLearningRate.ToString("0.#####", CultureInfo.InvariantCulture)} x sqrt({o.ReferenceDimension}/d)"
            : $"lr {o.EffectiveLearningRate.ToString("0.#####", CultureInfo.InvariantCulture)}");
        text.Append(CultureInfo.InvariantCulture, $", {(o.MaxAngle is null && o.LossPlateauTolerance is null ? "" : "at most ")}{o.Steps} steps");
        if (o.MaxAngle is double angle)
        {
            text.Append(CultureInfo.InvariantCulture, $", angle budget {angle:0.###} rad");
        }

        if (o.LossPlateauTolerance is double tolerance)
        {
            text.Append(CultureInfo.InvariantCulture, $", stop when the loss falls < {tolerance:0.####} over {o.LossPlateauWindow} steps");
        }

        return text.ToString();
    }
}
