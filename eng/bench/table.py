#!/usr/bin/python3
"""Joins the PyTorch baseline (torch_baseline.py --json) and the BenchmarkDotNet GitHub reports of one
eng/bench/compare.sh run into the README's speed table, with ratios. Standard library only.

Run: python3 eng/bench/table.py TORCH_JSON RESULTS_DIR
"""
import json
import os
import re
import sys

UNITS = {"ns": 1e-6, "us": 1e-3, "μs": 1e-3, "µs": 1e-3, "ms": 1.0, "s": 1e3}


def read_report(results, name):
    """Rows of BenchmarkDotNet's GitHub table for benchmark class `name`, as dicts (Mean in ms)."""
    path = os.path.join(results, f"RefineMemory.Benchmarks.{name}-report-github.md")
    if not os.path.exists(path):
        return []
    lines = [l for l in open(path, encoding="utf-8") if l.startswith("|")]
    header = [c.strip() for c in lines[0].strip().strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = [c.strip().replace("**", "") for c in line.strip().strip("|").split("|")]
        row = dict(zip(header, cells))
        m = re.match(r"([\d,.]+)\s*(\S+)", row.get("Mean", ""))
        if m:
            row["ms"] = float(m.group(1).replace(",", "")) * UNITS[m.group(2)]
            rows.append(row)
    return rows


def find(rows, **match):
    for row in rows:
        if all(row.get(k) == v for k, v in match.items()):
            return row
    return None


def ms(x):
    return "-" if x is None else (f"{x:.3f} ms" if x < 1 else f"{x:.1f} ms" if x >= 100 else f"{x:.2f} ms")


def main():
    torch = json.load(open(sys.argv[1])) if os.path.exists(sys.argv[1]) else {"refine": {}, "topk": {}}
    results = sys.argv[2]
    rescore = read_report(results, "RescoreBenchmarks")
    memory = read_report(results, "MemoryReadBenchmarks")
    pipeline = read_report(results, "SearchPipelineBenchmarks")
    refine = read_report(results, "RefinementBenchmarks")

    limit = {r["SizedAs"]: float(r["GB/s"]) for r in memory if r.get("GB/s", "-") != "-"}
    print("| work | PyTorch 1.13 | RefineMemory float32 scan | RefineMemory 8-bit scan (default) | ratio to PyTorch (8-bit) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for n, label in ((100_000, "100k"), (1_000_000, "1M")):
        t = torch["topk"].get(str(n))
        f = find(rescore, Count=f"{n:,}".replace(",", "") , Quantization="None") or find(rescore, Count=f"{n:,}", Quantization="None")
        q = find(rescore, Count=f"{n:,}".replace(",", ""), Quantization="Int8") or find(rescore, Count=f"{n:,}", Quantization="Int8")
        tgb = f" ({n * 384 * 4 / t / 1e6:.1f} GB/s)" if t else ""
        cell = lambda r: "-" if r is None else f"{ms(r['ms'])} ({r['GB/s']} GB/s)"
        ratio = f"{t / q['ms']:.1f}x" if t and q else "-"
        print(f"| top-10 of {label} x 384 | {ms(t)}{tgb} | {cell(f)} | {cell(q)} | {ratio} |")
    if limit:
        f = find(rescore, Count="1000000", Quantization="None") or find(rescore, Count="1,000,000", Quantization="None")
        q = find(rescore, Count="1000000", Quantization="Int8") or find(rescore, Count="1,000,000", Quantization="Int8")
        lf, lq = limit.get("None"), limit.get("Int8")
        print(f"| memory-read limit (parallel sum over the same bytes, all cores) | | {lf} GB/s (1.54 GB) | {lq} GB/s (388 MB) | |")
        if f and q and lf and lq:
            print(f"| scan time / time to read its bytes at that limit | | {lf / float(f['GB/s']):.2f}x | {lq / float(q['GB/s']):.2f}x | |")
    for data in ("clustered", "uniform"):
        for quant in ("None", "Int8"):
            r = find(pipeline, Method="RefinedSearchInstantJudge", Quantization=quant, Data=data)
            p = find(pipeline, Method="PlainSearch", Quantization=quant, Data=data)
            if r:
                print(f"| refined search minus the judge, 100k x 384, {data} vectors ({'8-bit' if quant == 'Int8' else 'float32'} scan; plain search {ms(p['ms']) if p else '-'}) | | | {ms(r['ms'])} | |")
    for d in ("384", "1024", "4096"):
        cells = []
        for mode, refit in (("KL", "False"), ("ReFIT", "True")):
            r = find(refine, Dimension=d, ReFit=refit)
            t = torch["refine"].get(f"{d}/{mode}")
            cells.append((t, r["ms"] if r else None))
        if any(c[1] for c in cells):
            ratios = " / ".join(f"{t / x:.0f}x" if t and x else "-" for t, x in cells)
            print(f"| refine, 20 docs, 100 steps, d = {d} (KL / ReFIT) | {ms(cells[0][0])} / {ms(cells[1][0])} | | {ms(cells[0][1])} / {ms(cells[1][1])} | {ratios} |")


if __name__ == "__main__":
    main()
