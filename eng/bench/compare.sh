#!/usr/bin/env bash
# Runs the PyTorch CPU baseline and the .NET benchmarks of the same work back to back on this machine,
# so the two tables can be compared as ratios. Needs Debian's python3-torch for the baseline half.
set -euo pipefail
cd "$(dirname "$0")/../.."
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  /usr/bin/python3 eng/bench/torch_baseline.py
else
  echo "(PyTorch baseline skipped: apt-get install python3-torch)"
fi
dotnet build benchmarks/RefineMemory.Benchmarks -c Release --nologo -v quiet
dotnet benchmarks/RefineMemory.Benchmarks/bin/Release/net10.0/RefineMemory.Benchmarks.dll \
  --filter '*RefinementBenchmarks*' '*RescoreBenchmarks*' --job short --exporters github "$@"
