using RefineMemory.Evaluation.Protocol;

namespace RefineMemory.Evaluation.Reports;

/// <summary>One dataset x judge of a suite: the methods' summaries, and the mean loss curve (loss / loss before) of the default refinement.</summary>
public sealed record SuiteRow(string Dataset, string Judge, bool Oracle, int Queries, MethodSummary Baseline, MethodSummary Default, MethodSummary Paper, MethodSummary? Rerank, double[] MeanLoss);

/// <summary>What a suite ran with: embedder, query format, feedback size, resamples, the default setting in words, the command, and when.</summary>
public sealed record SuiteInfo(string Embedder, bool QueryInstruction, int Feedback, int BootstrapSamples, string DefaultSetting, string Command, TimeSpan Elapsed, DateTime Date);
