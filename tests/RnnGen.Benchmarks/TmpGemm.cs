using BenchmarkDotNet.Attributes;
using RnnGen.Kernels;

namespace RnnGen.Benchmarks;

public class TmpGemm
{
    [Params(512, 1024)] public int N;
    private float[] _a = null!, _b = null!, _c = null!;

    [GlobalSetup] public void Setup()
    {
        var r = new Random(1);
        _a = Enumerable.Range(0, N * N).Select(_ => (float)r.NextDouble()).ToArray();
        _b = Enumerable.Range(0, N * N).Select(_ => (float)r.NextDouble()).ToArray();
        _c = new float[N * N];
    }

    [Benchmark] public void NT() => Gemm.MultiplyNT(N, N, N, _a, N, _b, N, _c, N, false);
    [Benchmark] public void NN() => Gemm.MultiplyNN(N, N, N, _a, N, _b, N, _c, N, false);
    [Benchmark] public void TN() => Gemm.MultiplyTN(N, N, N, _a, N, _b, N, _c, N, false);
}
