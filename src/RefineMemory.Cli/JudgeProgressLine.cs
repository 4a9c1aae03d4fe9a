using System.Globalization;
using RefineMemory.Refine;

namespace RefineMemory.Cli;

/// <summary>
/// Judging progress for a human watching stderr: one line rewritten in place ("judge: 7/20 answered, 3.1 s of
/// 20 s budget"), at most every quarter second, ended with a newline when every document is answered.
/// </summary>
internal sealed class JudgeProgressLine : IProgress<JudgeProgress>
{
    private readonly Lock _lock = new();
    private TimeSpan _lastShown = TimeSpan.MinValue;

    public void Report(JudgeProgress value)
    {
        lock (_lock)
        {
            bool done = value.Answered >= value.Total;
            if (!done && value.Elapsed - _lastShown < TimeSpan.FromMilliseconds(250))
            {
                return;
            }

            _lastShown = value.Elapsed;
            string failed = value.Failed > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({value.Failed} failed)") : "";
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
                $"\rjudge: {value.Answered}/{value.Total} answered{failed}, {value.Elapsed.TotalSeconds:0.0} s of {value.Budget.TotalSeconds:0.#} s budget"));
            if (done)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
