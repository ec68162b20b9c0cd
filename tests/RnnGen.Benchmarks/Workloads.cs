using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>A model run through ISequenceModel or Predict with preallocated buffers, so the benchmark measures only the model.</summary>
public sealed class Workload
{
    private readonly ISequenceModel _model;
    private readonly Action<float[], int, int, float[]> _predict;
    private readonly float[] _inputs, _outputs, _gradient;
    private readonly int _batch, _time;

    public Workload(ISequenceModel model, Action<float[], int, int, float[]> predict, int inputSize, int outputSize, int batch, int time)
    {
        _model = model;
        _predict = predict;
        _batch = batch;
        _time = time;
        var random = new Random(1);
        _inputs = Enumerable.Range(0, batch * time * inputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        _outputs = new float[batch * time * outputSize];
        _gradient = Enumerable.Range(0, _outputs.Length).Select(_ => (float)(random.NextDouble() * 2 - 1) / _outputs.Length).ToArray();
        Forward();
    }

    public void Forward() => _predict(_inputs, _batch, _time, _outputs);

    public void ForwardBackward()
    {
        _model.Forward(_inputs, _batch, _time, _outputs, default, null);
        _model.Backward(_gradient, null, default, null);
    }
}

/// <summary>Each workload of the suite, built once per benchmark class that runs it.</summary>
public static class Workloads
{
    public static Workload ForW2Lstm() { var m = new W2Lstm(); return new Workload(m, (x, b, t, y) => m.Predict(x, b, t, y.AsSpan(0, b * 128)), 32, 128, 1, 100); }
    public static Workload ForW2Gru() { var m = new W2Gru(); return new Workload(m, (x, b, t, y) => m.Predict(x, b, t, y.AsSpan(0, b * 128)), 32, 128, 1, 100); }
    public static Workload ForW2Rnn() { var m = new W2Rnn(); return new Workload(m, (x, b, t, y) => m.Predict(x, b, t, y.AsSpan(0, b * 128)), 32, 128, 1, 100); }
    public static Workload ForW3Lstm() { var m = new W3Lstm(); return new Workload(m, (x, b, t, y) => m.Predict(x, b, t, y), 32, 32, 32, 500); }
    public static Workload ForW3Gru() { var m = new W3Gru(); return new Workload(m, (x, b, t, y) => m.Predict(x, b, t, y), 32, 32, 32, 500); }
    public static Workload ForW3Rnn() { var m = new W3Rnn(); return new Workload(m, (x, b, t, y) => m.Predict(x, b, t, y), 32, 32, 32, 500); }
    public static Workload ForW4Lstm() { var m = new W4Lstm(); return new Workload(m, (x, b, t, y) => m.Predict(x, b, t, y), 65, 256, 32, 100); }
    public static Workload ForW4Gru() { var m = new W4Gru(); return new Workload(m, (x, b, t, y) => m.Predict(x, b, t, y), 65, 256, 32, 100); }
    public static Workload ForW4Rnn() { var m = new W4Rnn(); return new Workload(m, (x, b, t, y) => m.Predict(x, b, t, y), 65, 256, 32, 100); }
    public static Workload ForW5() { var m = new W5BiLstm(); return new Workload(m, (x, b, t, y) => m.Predict(x, b, t, y), 64, 256, 16, 200); }
}

[MemoryDiagnoser]
public class StreamingBenchmarks
{
    private readonly W1Lstm _lstm = new();
    private readonly W1Gru _gru = new();
    private readonly W1Rnn _rnn = new();
    private W1Lstm.State _lstmState = null!;
    private W1Gru.State _gruState = null!;
    private W1Rnn.State _rnnState = null!;
    private readonly float[] _input = { 0.5f }, _output = new float[32];

    [GlobalSetup]
    public void Setup()
    {
        _lstmState = _lstm.CreateState();
        _gruState = _gru.CreateState();
        _rnnState = _rnn.CreateState();
    }

    [Benchmark(Description = "W1 LSTM step")] public void LstmStep() => _lstm.Step(_input, _output, _lstmState);
    [Benchmark(Description = "W1 GRU step")] public void GruStep() => _gru.Step(_input, _output, _gruState);
    [Benchmark(Description = "W1 SimpleRnn step")] public void RnnStep() => _rnn.Step(_input, _output, _rnnState);
}

[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private Workload _w2Lstm = null!, _w2Gru = null!, _w2Rnn = null!, _w3Lstm = null!, _w3Gru = null!, _w3Rnn = null!, _w5 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _w2Lstm = Workloads.ForW2Lstm(); _w2Gru = Workloads.ForW2Gru(); _w2Rnn = Workloads.ForW2Rnn();
        _w3Lstm = Workloads.ForW3Lstm(); _w3Gru = Workloads.ForW3Gru(); _w3Rnn = Workloads.ForW3Rnn();
        _w5 = Workloads.ForW5();
    }

    [Benchmark(Description = "W2 LSTM forward")] public void W2Lstm() => _w2Lstm.Forward();
    [Benchmark(Description = "W2 GRU forward")] public void W2Gru() => _w2Gru.Forward();
    [Benchmark(Description = "W2 SimpleRnn forward")] public void W2Rnn() => _w2Rnn.Forward();
    [Benchmark(Description = "W3 LSTM forward")] public void W3Lstm() => _w3Lstm.Forward();
    [Benchmark(Description = "W3 GRU forward")] public void W3Gru() => _w3Gru.Forward();
    [Benchmark(Description = "W3 SimpleRnn forward")] public void W3Rnn() => _w3Rnn.Forward();
    [Benchmark(Description = "W5 BiLSTM forward")] public void W5() => _w5.Forward();
}

[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private Workload _w3Lstm = null!, _w3Gru = null!, _w3Rnn = null!, _w4Lstm = null!, _w4Gru = null!, _w4Rnn = null!;

    [GlobalSetup]
    public void Setup()
    {
        _w3Lstm = Workloads.ForW3Lstm(); _w3Gru = Workloads.ForW3Gru(); _w3Rnn = Workloads.ForW3Rnn();
        _w4Lstm = Workloads.ForW4Lstm(); _w4Gru = Workloads.ForW4Gru(); _w4Rnn = Workloads.ForW4Rnn();
    }

    [Benchmark(Description = "W3 LSTM forward+backward")] public void W3Lstm() => _w3Lstm.ForwardBackward();
    [Benchmark(Description = "W3 GRU forward+backward")] public void W3Gru() => _w3Gru.ForwardBackward();
    [Benchmark(Description = "W3 SimpleRnn forward+backward")] public void W3Rnn() => _w3Rnn.ForwardBackward();
    [Benchmark(Description = "W4 LSTM forward+backward")] public void W4Lstm() => _w4Lstm.ForwardBackward();
    [Benchmark(Description = "W4 GRU forward+backward")] public void W4Gru() => _w4Gru.ForwardBackward();
    [Benchmark(Description = "W4 SimpleRnn forward+backward")] public void W4Rnn() => _w4Rnn.ForwardBackward();
}

/// <summary>
/// The workloads with a batch, on two threads (<see cref="Parallelism.Threads"/> = 2: each recurrent layer call shares its
/// sequences out between the threads). Compare with PyTorch's 2-thread run.
/// </summary>
[MemoryDiagnoser]
public class TwoThreadBenchmarks
{
    private Workload _w3Lstm = null!, _w3Gru = null!, _w3Rnn = null!, _w4Lstm = null!, _w4Gru = null!, _w4Rnn = null!, _w5 = null!;

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.Threads = 2;
        _w3Lstm = Workloads.ForW3Lstm(); _w3Gru = Workloads.ForW3Gru(); _w3Rnn = Workloads.ForW3Rnn();
        _w4Lstm = Workloads.ForW4Lstm(); _w4Gru = Workloads.ForW4Gru(); _w4Rnn = Workloads.ForW4Rnn();
        _w5 = Workloads.ForW5();
    }

    [GlobalCleanup]
    public void Cleanup() => Parallelism.Threads = 1;

    [Benchmark(Description = "W3 LSTM forward (2 threads)")] public void W3Lstm() => _w3Lstm.Forward();
    [Benchmark(Description = "W3 GRU forward (2 threads)")] public void W3Gru() => _w3Gru.Forward();
    [Benchmark(Description = "W3 SimpleRnn forward (2 threads)")] public void W3Rnn() => _w3Rnn.Forward();
    [Benchmark(Description = "W5 BiLSTM forward (2 threads)")] public void W5() => _w5.Forward();
    [Benchmark(Description = "W3 LSTM forward+backward (2 threads)")] public void W3LstmTrain() => _w3Lstm.ForwardBackward();
    [Benchmark(Description = "W3 GRU forward+backward (2 threads)")] public void W3GruTrain() => _w3Gru.ForwardBackward();
    [Benchmark(Description = "W3 SimpleRnn forward+backward (2 threads)")] public void W3RnnTrain() => _w3Rnn.ForwardBackward();
    [Benchmark(Description = "W4 LSTM forward+backward (2 threads)")] public void W4LstmTrain() => _w4Lstm.ForwardBackward();
    [Benchmark(Description = "W4 GRU forward+backward (2 threads)")] public void W4GruTrain() => _w4Gru.ForwardBackward();
    [Benchmark(Description = "W4 SimpleRnn forward+backward (2 threads)")] public void W4RnnTrain() => _w4Rnn.ForwardBackward();
}
