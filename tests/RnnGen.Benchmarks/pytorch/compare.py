#!/usr/bin/env python3
"""Side-by-side table of RnnGen (BenchmarkDotNet results) and PyTorch (bench_pytorch.py JSON), ratio PyTorch / RnnGen.

    /usr/bin/python3 tests/RnnGen.Benchmarks/pytorch/compare.py BenchmarkDotNet.Artifacts/results pytorch-1.json
"""
import csv
import glob
import json
import os
import sys

UNITS = {"ns": 1e-9, "us": 1e-6, "μs": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0}


def rnngen_seconds(results_dir):
    seconds = {}
    for path in sorted(glob.glob(os.path.join(results_dir, "*-report.csv")), key=os.path.getmtime):  # later runs override earlier ones
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                value, unit = row["Mean"].replace(",", "").split()
                name = row["Method"].strip("'")
                params = [f"{k}={row[k]}" for k in ("N", "Batch") if row.get(k) not in (None, "", "?")]
                seconds[name + (" " + " ".join(params) if params else "")] = float(value) * UNITS[unit]
    for path in glob.glob(os.path.join(results_dir, "*-report-full.json")):
        with open(path) as f:
            report = json.load(f)
        for b in report["Benchmarks"]:
            title = b.get("MethodTitle") or b["Method"]
            params = b.get("Parameters") or ""
            mean = b["Statistics"]["Mean"] if b.get("Statistics") else None
            if mean is None:
                continue
            name = title.strip("'") + (f" {params}" if params else "")
            seconds[name] = mean / 1e9
    return seconds


def main():
    ours = rnngen_seconds(sys.argv[1])
    with open(sys.argv[2]) as f:
        torch = json.load(f)
    print(f"{'workload':34s} {'RnnGen':>12s} {'PyTorch':>12s} {'PyTorch/RnnGen':>15s}")
    for name, theirs in torch["seconds"].items():
        mine = ours.get(name)
        if mine is None:
            print(f"{name:34s} {'—':>12s} {theirs * 1e6:10.1f}µs")
            continue
        print(f"{name:34s} {mine * 1e6:10.1f}µs {theirs * 1e6:10.1f}µs {theirs / mine:14.2f}×")
    peak = ours.get("FMA peak (192 MFLOP)")
    if peak:
        print(f"\nFMA peak: {192e6 / peak / 1e9:.1f} GFLOP/s per core")
        for n in (256, 512, 1024):
            g = ours.get(f"Gemm NT n×n×n N={n}")
            if g:
                print(f"Gemm n={n}: {2 * n ** 3 / g / 1e9:.1f} GFLOP/s ({2 * n ** 3 / g / (192e6 / peak):.0%} of peak)")


if __name__ == "__main__":
    main()
