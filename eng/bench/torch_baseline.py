#!/usr/bin/python3
"""PyTorch CPU baseline for the benchmarks in benchmarks/RefineMemory.Benchmarks (same work, same machine).

1. Refinement: 20 judged documents, 100 Adam steps, d = 384 / 1024 / 4096, KL and ReFIT modes
   (the reference loop of eng/fixtures/make_refinement_fixtures.py, float32).
2. Re-scoring: top-10 by cosine over n = 100k and 1M normalised vectors of d = 384
   (matrix-vector product + torch.topk), reported in GB/s of vectors scanned.

Run: /usr/bin/python3 eng/bench/torch_baseline.py [--json FILE]   (needs Debian's python3-torch; not run by CI)
With --json, the medians (ms) are also written to FILE for eng/bench/table.py.
"""
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
from make_refinement_fixtures import refine  # noqa: E402


def timeit(fn, repeat, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    results = {"refine": {}, "topk": {}}
    torch.set_num_threads(os.cpu_count())
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    g = torch.Generator().manual_seed(7)
    print("| work | PyTorch median |")
    print("| --- | ---: |")
    for d in (384, 1024, 4096):
        q = torch.rand(d, generator=g) - 0.5
        docs = torch.rand(20, d, generator=g) - 0.5
        scores = torch.rand(20, generator=g)
        for refit in (False, True):
            lr = 5e-3 if refit else 1e-4
            t = timeit(lambda: refine(q, docs, scores, lr, 100, refit), repeat=15)
            print(f"| refine d={d} {'ReFIT' if refit else 'KL'} | {t * 1e3:.2f} ms |")
            results["refine"][f"{d}/{'ReFIT' if refit else 'KL'}"] = t * 1e3
    for n in (100_000, 1_000_000):
        m = torch.nn.functional.normalize(torch.rand(n, 384, generator=g) - 0.5, dim=1)
        q = torch.nn.functional.normalize(torch.rand(384, generator=g) - 0.5, dim=0)
        t = timeit(lambda: torch.topk(m @ q, 10), repeat=10)
        gbs = n * 384 * 4 / t / 1e9
        print(f"| top-10 of n={n:,} d=384 | {t * 1e3:.2f} ms ({gbs:.1f} GB/s) |")
        results["topk"][str(n)] = t * 1e3
        del m
    if "--json" in sys.argv:
        with open(sys.argv[sys.argv.index("--json") + 1], "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
