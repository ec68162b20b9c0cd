using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>
/// W3 LSTM forward and W4 LSTM training (forward + backward) at <see cref="Parallelism.Threads"/> = 1, 2, 4, 8, 16,
/// as many of those as the machine has cores for. compare.py reads the rows as "… Threads=N".
/// </summary>
[MemoryDiagnoser]
public class ThreadScalingBenchmarks
{
    private Workload _w3Lstm = null!, _w4Lstm = null!;

    /// <summary>1, 2, 4, 8, 16 up to <see cref="Environment.ProcessorCount"/>.</summary>
    public static IEnumerable<int> ThreadCounts() => new[] { 1, 2, 4, 8, 16 }.Where(n => n <= Environment.ProcessorCount);

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.Threads = Threads;
        _w3Lstm = Workloads.ForW3Lstm();
        _w4Lstm = Workloads.ForW4Lstm();
    }

    [GlobalCleanup]
    public void Cleanup() => Parallelism.Threads = 1;

    [Benchmark(Description = "W3 LSTM forward")] public void W3Lstm() => _w3Lstm.Forward();
    [Benchmark(Description = "W4 LSTM forward+backward")] public void W4Lstm() => _w4Lstm.ForwardBackward();
}
