#!/usr/bin/env python3
"""Side-by-side tables of RnnGen (BenchmarkDotNet results), PyTorch (bench_pytorch.py JSON) and optionally oneDNN
(tests/RnnGen.Benchmarks/onednn, same JSON shape), ratio other / RnnGen (> 1: RnnGen is faster). ONNX Runtime is a
column whenever the results hold OnnxRuntimeBenchmarks rows ("<workload> (ONNX Runtime)"), and ThreadScalingBenchmarks
rows ("<workload> Threads=N") get a table of their own.

    /usr/bin/python3 tests/RnnGen.Benchmarks/pytorch/compare.py BenchmarkDotNet.Artifacts/results pytorch-1.json \
        [--pytorch2 pytorch-2.json] [--onednn onednn-1.json] [--onednn2 onednn-2.json] [--markdown]

The first table is one thread each. With the 2-thread runs, a second table sets RnnGen on two threads (the
"… (2 threads)" benchmarks) against them; rows without a 2-thread RnnGen benchmark (batch 1, the raw matrix product)
are left out of it.
"""
import argparse
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
                params = [f"{k}={row[k]}" for k in ("N", "Batch", "Threads") if row.get(k) not in (None, "", "?")]
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


ORT = " (ONNX Runtime)"


def thread_scaling(ours):
    """(workload, threads, seconds, seconds at Threads=1) for every "<workload> Threads=N" row that has a Threads=1 row."""
    rows = []
    for name, seconds in ours.items():
        workload, sep, threads = name.rpartition(" Threads=")
        if sep and threads.isdigit() and ours.get(workload + " Threads=1"):
            rows.append((workload, int(threads), seconds, ours[workload + " Threads=1"]))
    return sorted(rows)


def load(path):
    if not path:
        return None
    with open(path) as f:
        return json.load(f)["seconds"]


def micro(seconds):
    return f"{seconds * 1e6:.3f}µs" if seconds < 1e-5 else f"{seconds * 1e6:.1f}µs"


def table(title, rows, columns, markdown):
    """rows: (name, RnnGen seconds, [other seconds or None per column])."""
    header = ["workload", "RnnGen"] + [h for c in columns for h in (c, f"{c}/RnnGen")]
    lines = []
    for name, mine, others in rows:
        cells = [name, micro(mine) if mine else "—"]
        for theirs in others:
            cells += [micro(theirs) if theirs else "—", f"{theirs / mine:.2f}×" if theirs and mine else ""]
        lines.append(cells)
    print(f"\n{title}")
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|---|" + "---:|" * (len(header) - 1))
        for cells in lines:
            print("| " + " | ".join(cells) + " |")
    else:
        widths = [max(len(r[i]) for r in lines + [header]) for i in range(len(header))]
        for cells in [header] + lines:
            print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("pytorch1")
    parser.add_argument("--pytorch2")
    parser.add_argument("--onednn")
    parser.add_argument("--onednn2")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    ours = rnngen_seconds(args.results)
    torch1, torch2, dnnl1, dnnl2 = load(args.pytorch1), load(args.pytorch2), load(args.onednn), load(args.onednn2)

    ort = {name[: -len(ORT)]: seconds for name, seconds in ours.items() if name.endswith(ORT)}
    columns = ["PyTorch"] + (["oneDNN"] if dnnl1 else []) + (["ONNX Runtime"] if ort else [])
    rows = [(name, ours.get(name), [theirs] + ([dnnl1.get(name)] if dnnl1 else []) + ([ort.get(name)] if ort else []))
            for name, theirs in torch1.items()]
    table("One thread", rows, columns, args.markdown)
    if torch2:
        columns = ["PyTorch"] + (["oneDNN"] if dnnl2 else [])
        rows = [(name, ours.get(name + " (2 threads)"), [theirs] + ([dnnl2.get(name)] if dnnl2 else []))
                for name, theirs in torch2.items() if ours.get(name + " (2 threads)")]
        table("Two threads", rows, columns, args.markdown)

    scaling = thread_scaling(ours)
    if scaling:
        print(f"\nThread scaling (RnnGen, Parallelism.Threads; speedup over Threads=1)")
        header = ["workload", "threads", "RnnGen", "speedup"]
        lines = [[name, str(n), micro(s), f"{one / s:.2f}×"] for name, n, s, one in scaling]
        if args.markdown:
            print("| " + " | ".join(header) + " |")
            print("|---|---:|---:|---:|")
            for cells in lines:
                print("| " + " | ".join(cells) + " |")
        else:
            for cells in [header] + lines:
                print("  ".join(cells))

    peak = ours.get("FMA peak (192 MFLOP)")
    if peak:
        print(f"\nFMA peak: {192e6 / peak / 1e9:.1f} GFLOP/s per core")
        for n in (256, 512, 1024):
            g = ours.get(f"Gemm NT n×n×n N={n}")
            if g:
                print(f"Gemm n={n}: {2 * n ** 3 / g / 1e9:.1f} GFLOP/s ({2 * n ** 3 / g / (192e6 / peak):.0%} of peak)")


if __name__ == "__main__":
    main()
