#!/usr/bin/env bash
# Runs the PyTorch CPU baseline and the .NET benchmarks of the same work back to back on this machine, and joins
# them into one table with ratios (eng/bench/table.py). Needs Debian's python3-torch for the baseline half
# (apt-get install python3-torch); CI never runs this. Every figure is printed with the load (uptime) it ran under.
#   ./eng/bench/compare.sh                 # refinement, top-10 scans, memory-read limit, search pipeline
#   ./eng/bench/compare.sh --filter '*Rescore*' '*MemoryRead*'   # a subset (arguments go to BenchmarkDotNet)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=BenchmarkDotNet.Artifacts
mkdir -p "$out"
echo "# compare.sh $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores; load: $(uptime)"
dotnet build benchmarks/RefineMemory.Benchmarks -c Release --nologo -v quiet
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "# PyTorch baseline; load: $(uptime)"
  /usr/bin/python3 eng/bench/torch_baseline.py --json "$out/torch.json"
else
  echo "(PyTorch baseline skipped: apt-get install python3-torch)"
  rm -f "$out/torch.json"
fi
filters=(--filter '*RefinementBenchmarks*' '*RescoreBenchmarks*' '*MemoryReadBenchmarks*' '*SearchPipelineBenchmarks*')
if [ "$#" -gt 0 ]; then filters=(); fi
echo "# BenchmarkDotNet; load: $(uptime)"
dotnet benchmarks/RefineMemory.Benchmarks/bin/Release/net10.0/RefineMemory.Benchmarks.dll \
  "${filters[@]}" --job short --buildTimeout 1800 --exporters github --artifacts "$out" "$@"
echo "# done; load: $(uptime)"
python3 eng/bench/table.py "$out/torch.json" "$out/results"
