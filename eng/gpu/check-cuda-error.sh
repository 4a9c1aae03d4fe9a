#!/usr/bin/env bash
# Builds the ONNX tests against the CUDA build of ONNX Runtime (-p:RefineMemoryGpu=true, package
# Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0) into a separate artifacts folder, so the CPU build is untouched, and
# runs the UseCuda test. On a host without CUDA 13 it passes only if opening a session with UseCuda = true fails
# with one typed line (OnnxExecutionProviderException) carrying ORT's
# "libcublasLt.so.13: cannot open shared object file". The line is printed. Not part of `make test`: the GPU
# package is large and CI has no GPU. Usage: eng/gpu/check-cuda-error.sh [ARTIFACTS_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
# Inside the checkout (artifacts/ is git-ignored): the tests find fixtures/ by walking up from their binaries.
out=${1:-artifacts/gpu-build}
dotnet test tests/RefineMemory.Onnx.Tests/RefineMemory.Onnx.Tests.csproj -c Release -p:RefineMemoryGpu=true \
  --artifacts-path "$out" --filter "FullyQualifiedName~UseCuda_without_cuda" --logger "console;verbosity=detailed"
