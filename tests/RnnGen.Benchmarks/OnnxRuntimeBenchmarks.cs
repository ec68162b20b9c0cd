using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>
/// The forward workloads through ONNX Runtime (Microsoft.ML.OnnxRuntime) from ONNX files of the same weights, one
/// intra-op thread, inputs and outputs pre-allocated: ONNX Runtime's compute, not .NET marshalling. Setup checks each
/// file against RnnGen's Predict/Step first (<see cref="OnnxParity"/>). Rows are named like RnnGen's with
/// " (ONNX Runtime)", which is how compare.py matches them.
/// </summary>
[MemoryDiagnoser]
public class OnnxRuntimeBenchmarks
{
    private readonly List<OnnxRunner> _runners = new();
    private OnnxRunner _w1Lstm = null!, _w1Gru = null!, _w1Rnn = null!, _w2Lstm = null!, _w2Gru = null!, _w2Rnn = null!,
        _w3Lstm = null!, _w3Gru = null!, _w3Rnn = null!, _w5 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _w1Lstm = Open("W1 LSTM step"); _w1Gru = Open("W1 GRU step"); _w1Rnn = Open("W1 SimpleRnn step");
        _w2Lstm = Open("W2 LSTM forward"); _w2Gru = Open("W2 GRU forward"); _w2Rnn = Open("W2 SimpleRnn forward");
        _w3Lstm = Open("W3 LSTM forward"); _w3Gru = Open("W3 GRU forward"); _w3Rnn = Open("W3 SimpleRnn forward");
        _w5 = Open("W5 BiLSTM forward");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (OnnxRunner runner in _runners)
        {
            runner.Dispose();
        }

        _runners.Clear();
    }

    private OnnxRunner Open(string name)
    {
        OnnxWorkload workload = OnnxWorkload.Get(name);
        OnnxParity.Check(workload);
        var runner = new OnnxRunner(workload);
        OnnxWorkload.RandomInputs(1, runner.Input.Length).CopyTo(runner.Input, 0);
        _runners.Add(runner);
        return runner;
    }

    [Benchmark(Description = "W1 LSTM step (ONNX Runtime)")] public void W1Lstm() => _w1Lstm.Run();
    [Benchmark(Description = "W1 GRU step (ONNX Runtime)")] public void W1Gru() => _w1Gru.Run();
    [Benchmark(Description = "W1 SimpleRnn step (ONNX Runtime)")] public void W1Rnn() => _w1Rnn.Run();
    [Benchmark(Description = "W2 LSTM forward (ONNX Runtime)")] public void W2Lstm() => _w2Lstm.Run();
    [Benchmark(Description = "W2 GRU forward (ONNX Runtime)")] public void W2Gru() => _w2Gru.Run();
    [Benchmark(Description = "W2 SimpleRnn forward (ONNX Runtime)")] public void W2Rnn() => _w2Rnn.Run();
    [Benchmark(Description = "W3 LSTM forward (ONNX Runtime)")] public void W3Lstm() => _w3Lstm.Run();
    [Benchmark(Description = "W3 GRU forward (ONNX Runtime)")] public void W3Gru() => _w3Gru.Run();
    [Benchmark(Description = "W3 SimpleRnn forward (ONNX Runtime)")] public void W3Rnn() => _w3Rnn.Run();
    [Benchmark(Description = "W5 BiLSTM forward (ONNX Runtime)")] public void W5() => _w5.Run();
}
