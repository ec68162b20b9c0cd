#!/usr/bin/env python3
"""The RnnGen benchmark workloads in PyTorch (Debian's python3-torch with OpenBLAS), float32, CPU.

    /usr/bin/python3 tests/RnnGen.Benchmarks/pytorch/bench_pytorch.py --threads 1 --out pytorch-1.json

Prints a table and writes JSON {name: seconds}. Medians of repeated runs after warm-up; torch.no_grad() for forward-only.
"""
import argparse
import json
import statistics
import time

import torch


def median_seconds(fn, repeats, warmup=2):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def cell(kind, inp, hidden, layers=1, bidirectional=False):
    cls = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "SimpleRnn": torch.nn.RNN}[kind]
    return cls(inp, hidden, num_layers=layers, batch_first=True, bidirectional=bidirectional)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=None)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke test)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    reps = 3 if args.quick else 10
    results = {}

    for kind in ("LSTM", "GRU", "SimpleRnn"):
        # W1 streaming: one step at a time, state carried; seconds per step.
        m = cell(kind, 1, 32)
        x = torch.randn(1, 1, 1)
        state = None
        steps = 200 if args.quick else 2000

        def stream():
            nonlocal state
            with torch.no_grad():
                for _ in range(steps):
                    _, state = m(x, state)
        results[f"W1 {kind} step"] = median_seconds(stream, 3) / steps

        # W2 small inference.
        m = cell(kind, 32, 128)
        x = torch.randn(1, 100, 32)
        with torch.no_grad():
            results[f"W2 {kind} forward"] = median_seconds(lambda: m(x), reps * 3)

        # W3 IMDB-like: forward, and forward + backward.
        m = cell(kind, 32, 32)
        x = torch.randn(32, 500, 32)
        with torch.no_grad():
            results[f"W3 {kind} forward"] = median_seconds(lambda: m(x), reps)
        r = torch.randn(32, 500, 32)

        def w3_train():
            m.zero_grad()
            out, _ = m(x)
            (out * r).sum().backward()
        results[f"W3 {kind} forward+backward"] = median_seconds(w3_train, reps)

        # W4 char-LM: 2 stacked layers, forward + backward.
        m = cell(kind, 65, 256, layers=2)
        x = torch.randn(32, 100, 65)
        r = torch.randn(32, 100, 256)

        def w4_train():
            m.zero_grad()
            out, _ = m(x)
            (out * r).sum().backward()
        results[f"W4 {kind} forward+backward"] = median_seconds(w4_train, reps)

    # W5 bidirectional LSTM forward.
    m = cell("LSTM", 64, 128, bidirectional=True)
    x = torch.randn(16, 200, 64)
    with torch.no_grad():
        results["W5 BiLSTM forward"] = median_seconds(lambda: m(x), reps)

    # The matrix product, n×n×n.
    for n in (256, 512, 1024):
        a, b = torch.randn(n, n), torch.randn(n, n)
        results[f"Gemm NT n×n×n N={n}"] = median_seconds(lambda: torch.mm(a, b.t()), reps * 2)

    print(f"PyTorch {torch.__version__}, {args.threads} thread(s)")
    for name, seconds in results.items():
        extra = ""
        if name.startswith("Gemm"):
            n = int(name.split("=")[1])
            extra = f"  {2 * n ** 3 / seconds / 1e9:7.1f} GFLOP/s"
        print(f"{name:32s} {seconds * 1e6:12.1f} µs{extra}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"torch": torch.__version__, "threads": args.threads, "seconds": results}, f, indent=1)


if __name__ == "__main__":
    main()
