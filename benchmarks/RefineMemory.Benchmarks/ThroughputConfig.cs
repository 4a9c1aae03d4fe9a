using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RefineMemory.Retrieve;

namespace RefineMemory.Benchmarks;

/// <summary>Adds a GB/s column: the bytes an operation reads divided by its mean time.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new GigabytesPerSecondColumn());

    private sealed class GigabytesPerSecondColumn : IColumn
    {
        public string Id => "GB/s";

        public string ColumnName => "GB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Bytes read per operation / mean time (1 GB = 1e9 bytes)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var stats = summary[benchmarkCase]?.ResultStatistics;
            long? bytes = Bytes(benchmarkCase);
            return stats is null || bytes is null ? "-" : (bytes.Value / stats.Mean).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        private static long? Bytes(BenchmarkCase benchmarkCase)
        {
            var parameters = benchmarkCase.Parameters;
            if (parameters["SizedAs"] is ScanQuantization sizedAs)
            {
                return RescoreBenchmarks.ScanBytes(1_000_000, sizedAs);
            }

            return parameters["Count"] is int count && parameters["Quantization"] is ScanQuantization quantization
                ? RescoreBenchmarks.ScanBytes(count, quantization)
                : null;
        }
    }
}
