using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- --filter '*Refine*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
