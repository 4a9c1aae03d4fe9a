using BenchmarkDotNet.Running;
using RefineMemory.Benchmarks;

// dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- --filter '*Refine*'
// dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- recall   (recall of the 8-bit scan, docs/speed.md)
if (args.Length > 0 && args[0] == "recall")
{
    return await RecallReport.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
