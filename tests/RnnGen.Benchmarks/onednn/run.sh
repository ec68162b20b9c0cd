#!/bin/sh
# Build and run the oneDNN RNN benchmark (bench_onednn.cpp); all arguments are passed through.
# Needs: apt-get install -y libdnnl-dev g++   (oneDNN 2.6, Debian 12; its CPU runtime is OpenMP)
# Usage, from the repository root:
#   OMP_NUM_THREADS=1 tests/RnnGen.Benchmarks/onednn/run.sh --out onednn-1.json
#   OMP_NUM_THREADS=2 tests/RnnGen.Benchmarks/onednn/run.sh --out onednn-2.json
# The binary is built outside the repository, in ${TMPDIR:-/tmp}.
set -e
dir=$(cd "$(dirname "$0")" && pwd)
bin="${TMPDIR:-/tmp}/bench_onednn"
g++ -O2 -std=c++17 -fopenmp "$dir/bench_onednn.cpp" -ldnnl -o "$bin"
exec "$bin" "$@"
