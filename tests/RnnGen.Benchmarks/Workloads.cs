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
        var a = new W2Lstm(); _w2Lstm = new Workload(a, (x, b, t, y) => a.Predict(x, b, t, y.AsSpan(0, b * 128)), 32, 128, 1, 100);
        var b2 = new W2Gru(); _w2Gru = new Workload(b2, (x, b, t, y) => b2.Predict(x, b, t, y.AsSpan(0, b * 128)), 32, 128, 1, 100);
        var c = new W2Rnn(); _w2Rnn = new Workload(c, (x, b, t, y) => c.Predict(x, b, t, y.AsSpan(0, b * 128)), 32, 128, 1, 100);
        var d = new W3Lstm(); _w3Lstm = new Workload(d, (x, bb, t, y) => d.Predict(x, bb, t, y), 32, 32, 32, 500);
        var e = new W3Gru(); _w3Gru = new Workload(e, (x, bb, t, y) => e.Predict(x, bb, t, y), 32, 32, 32, 500);
        var f = new W3Rnn(); _w3Rnn = new Workload(f, (x, bb, t, y) => f.Predict(x, bb, t, y), 32, 32, 32, 500);
        var g = new W5BiLstm(); _w5 = new Workload(g, (x, bb, t, y) => g.Predict(x, bb, t, y), 64, 256, 16, 200);
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
        var a = new W3Lstm(); _w3Lstm = new Workload(a, (x, bb, t, y) => a.Predict(x, bb, t, y), 32, 32, 32, 500);
        var b = new W3Gru(); _w3Gru = new Workload(b, (x, bb, t, y) => b.Predict(x, bb, t, y), 32, 32, 32, 500);
        var c = new W3Rnn(); _w3Rnn = new Workload(c, (x, bb, t, y) => c.Predict(x, bb, t, y), 32, 32, 32, 500);
        var d = new W4Lstm(); _w4Lstm = new Workload(d, (x, bb, t, y) => d.Predict(x, bb, t, y), 65, 256, 32, 100);
        var e = new W4Gru(); _w4Gru = new Workload(e, (x, bb, t, y) => e.Predict(x, bb, t, y), 65, 256, 32, 100);
        var f = new W4Rnn(); _w4Rnn = new Workload(f, (x, bb, t, y) => f.Predict(x, bb, t, y), 65, 256, 32, 100);
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
        var a = new W3Lstm(); _w3Lstm = new Workload(a, (x, bb, t, y) => a.Predict(x, bb, t, y), 32, 32, 32, 500);
        var b = new W3Gru(); _w3Gru = new Workload(b, (x, bb, t, y) => b.Predict(x, bb, t, y), 32, 32, 32, 500);
        var c = new W3Rnn(); _w3Rnn = new Workload(c, (x, bb, t, y) => c.Predict(x, bb, t, y), 32, 32, 32, 500);
        var d = new W4Lstm(); _w4Lstm = new Workload(d, (x, bb, t, y) => d.Predict(x, bb, t, y), 65, 256, 32, 100);
        var e = new W4Gru(); _w4Gru = new Workload(e, (x, bb, t, y) => e.Predict(x, bb, t, y), 65, 256, 32, 100);
        var f = new W4Rnn(); _w4Rnn = new Workload(f, (x, bb, t, y) => f.Predict(x, bb, t, y), 65, 256, 32, 100);
        var g = new W5BiLstm(); _w5 = new Workload(g, (x, bb, t, y) => g.Predict(x, bb, t, y), 64, 256, 16, 200);
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
