using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using RnnGen.Kernels;

namespace RnnGen.Benchmarks;

/// <summary>
/// The matrix product C[n, n] = A · Bᵀ at n = 256, 512, 1024, and the machine's FMA peak measured in the same run:
/// GFLOP/s = 2n³ / time for the product, and 2 · 8 lanes · 12 accumulators · iterations / time for the peak loop.
/// </summary>
public class KernelBenchmarks
{
    private float[] _a = null!, _b = null!, _c = null!;
    private int _oa, _ob, _oc;

    [Params(256, 512, 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Operands on 64-byte boundaries, as PyTorch's allocator places tensors (and as generated models place their
        // workspaces): where an array happens to start otherwise decides whether vector loads straddle cache lines.
        var random = new Random(1);
        (_a, _oa) = Aligned(random, N * N);
        (_b, _ob) = Aligned(random, N * N);
        (_c, _oc) = Aligned(null, N * N);
    }

    private static (float[] Array, int Offset) Aligned(Random? random, int length)
    {
        float[] array = Array.Empty<float>();
        RnnGen.Generated.Buffers.EnsureAligned(ref array, length);
        int offset = RnnGen.Generated.Buffers.AlignedStart(array);
        for (int i = 0; random is not null && i < length; i++)
        {
            array[offset + i] = (float)random.NextDouble();
        }

        return (array, offset);
    }

    [Benchmark(Description = "Gemm NT n×n×n")]
    public void GemmNT() => Gemm.MultiplyNT(N, N, N, _a.AsSpan(_oa, N * N), N, _b.AsSpan(_ob, N * N), N, _c.AsSpan(_oc, N * N), N, accumulate: false);
}

/// <summary>12 independent Vector256 FMA chains: the single-core peak the kernels are measured against.</summary>
public class FmaPeakBenchmark
{
    /// <summary>Iterations of 12 FMAs on 8 lanes: 2 · 8 · 12 · 1,000,000 = 192 MFLOP per call.</summary>
    public const int Iterations = 1_000_000;

    [Benchmark(Description = "FMA peak (192 MFLOP)")]
    public float Peak()
    {
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        Vector256<float> x = Vector256.Create(0.999999f), y = Vector256.Create(1e-7f);
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}

/// <summary>LSTM forward at batch 1 and 32 as the hidden size grows (16 → 1024, 100 steps) and as the sequence grows (10 → 10,000, H = 128).</summary>
public class ScalingBenchmarks
{
    private readonly Dictionary<string, Workload> _workloads = new();

    [Params(1, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var h16 = new SweepH16(); Add(h16, h16.Predict, 16, 100);
        var h32 = new SweepH32(); Add(h32, h32.Predict, 32, 100);
        var h64 = new SweepH64(); Add(h64, h64.Predict, 64, 100);
        var h128 = new SweepH128(); Add(h128, h128.Predict, 128, 100);
        var h256 = new SweepH256(); Add(h256, h256.Predict, 256, 100);
        var h512 = new SweepH512(); Add(h512, h512.Predict, 512, 100);
        var h1024 = new SweepH1024(); Add(h1024, h1024.Predict, 1024, 100);
        foreach (int t in new[] { 10, 1000, 10_000 })
        {
            var m = new SweepH128();
            Add(m, m.Predict, 128, t);
        }
    }

    private delegate void Predict(ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths);

    private void Add(ISequenceModel model, Predict predict, int hidden, int time)
        => _workloads[$"{hidden}x{time}"] = new Workload(model, (x, b, t, y) => predict(x, b, t, y, default), 32, hidden, Batch, time);

    [Benchmark(Description = "LSTM fwd H=16 T=100")] public void H16() => _workloads["16x100"].Forward();
    [Benchmark(Description = "LSTM fwd H=32 T=100")] public void H32() => _workloads["32x100"].Forward();
    [Benchmark(Description = "LSTM fwd H=64 T=100")] public void H64() => _workloads["64x100"].Forward();
    [Benchmark(Description = "LSTM fwd H=128 T=100")] public void H128() => _workloads["128x100"].Forward();
    [Benchmark(Description = "LSTM fwd H=256 T=100")] public void H256() => _workloads["256x100"].Forward();
    [Benchmark(Description = "LSTM fwd H=512 T=100")] public void H512() => _workloads["512x100"].Forward();
    [Benchmark(Description = "LSTM fwd H=1024 T=100")] public void H1024() => _workloads["1024x100"].Forward();
    [Benchmark(Description = "LSTM fwd H=128 T=10")] public void T10() => _workloads["128x10"].Forward();
    [Benchmark(Description = "LSTM fwd H=128 T=1000")] public void T1000() => _workloads["128x1000"].Forward();
    [Benchmark(Description = "LSTM fwd H=128 T=10000")] public void T10000() => _workloads["128x10000"].Forward();
}
