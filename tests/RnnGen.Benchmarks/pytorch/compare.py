#!/usr/bin/env python3
"""Side-by-side table of RnnGen (BenchmarkDotNet results) and PyTorch (bench_pytorch.py JSON), ratio PyTorch / RnnGen.

    /usr/bin/python3 tests/RnnGen.Benchmarks/pytorch/compare.py BenchmarkDotNet.Artifacts/results pytorch-1.json [pytorch-2.json]

With the 2-thread PyTorch run as well, each row also sets RnnGen on two threads (the "… (2 threads)" benchmarks) against
PyTorch on two threads; rows without a 2-thread RnnGen benchmark (batch 1, the raw matrix product) show a dash there.
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
    torch2 = None
    if len(sys.argv) > 3:
        with open(sys.argv[3]) as f:
            torch2 = json.load(f)

    def cell(mine, theirs):
        if mine is None or theirs is None:
            return f"{'—':>12s} {(theirs or 0) * 1e6:10.1f}µs {'':>9s}" if theirs else f"{'—':>12s} {'—':>12s} {'':>9s}"
        return f"{mine * 1e6:10.1f}µs {theirs * 1e6:10.1f}µs {theirs / mine:8.2f}×"

    header = f"{'workload':34s} {'RnnGen 1t':>12s} {'PyTorch 1t':>12s} {'ratio':>9s}"
    if torch2:
        header += f" {'RnnGen 2t':>12s} {'PyTorch 2t':>12s} {'ratio':>9s}"
    print(header)
    for name, theirs in torch["seconds"].items():
        line = f"{name:34s} {cell(ours.get(name), theirs)}"
        if torch2:
            line += f" {cell(ours.get(name + ' (2 threads)'), torch2['seconds'].get(name))}"
        print(line)
    peak = ours.get("FMA peak (192 MFLOP)")
    if peak:
        print(f"\nFMA peak: {192e6 / peak / 1e9:.1f} GFLOP/s per core")
        for n in (256, 512, 1024):
            g = ours.get(f"Gemm NT n×n×n N={n}")
            if g:
                print(f"Gemm n={n}: {2 * n ** 3 / g / 1e9:.1f} GFLOP/s ({2 * n ** 3 / g / (192e6 / peak):.0%} of peak)")


if __name__ == "__main__":
    main()
