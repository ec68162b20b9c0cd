namespace RnnGen.Benchmarks;

/// <summary>
/// The workloads that have an ONNX twin in <c>onnx/</c>: the RnnGen model, its shapes, and the file exported from its
/// weights (<c>--save-weights</c>, then <c>onnx/export_onnx.py</c>).
/// </summary>
/// <param name="Name">The benchmark row, e.g. "W2 LSTM forward".</param>
/// <param name="File">The ONNX file's name in <c>onnx/</c>; its weights file is the same name with <c>.safetensors</c>.</param>
/// <param name="Create">A freshly constructed RnnGen model (the default, deterministic initialisation).</param>
/// <param name="Batch">Sequences per call (W1: 1).</param>
/// <param name="Time">Steps per call (W1: 1, called step after step with the state carried).</param>
/// <param name="InputSize">Features per step.</param>
/// <param name="OutputSize">Floats per output row: per sequence (last state) or per step (sequence output).</param>
/// <param name="Streaming">W1: one Step per call, state in and out (h0/c0 → hn/cn).</param>
/// <param name="SequenceOutput">The output holds every step ([B, T, OutputSize]) rather than the last ([B, OutputSize]).</param>
/// <param name="HasCell">An LSTM: the state has a cell (c0/cn) besides h.</param>
public sealed record OnnxWorkload(string Name, string File, Func<RnnGenModel> Create, int Batch, int Time, int InputSize, int OutputSize,
    bool Streaming, bool SequenceOutput, bool HasCell)
{
    /// <summary>Every ONNX workload: W1 (step), W2, W3 (forward), W5 (BiLSTM forward); LSTM, GRU and SimpleRnn where the workload has them.</summary>
    public static readonly OnnxWorkload[] All =
    {
        new("W1 LSTM step", "w1_lstm", () => RnnGenModel.Of(new W1Lstm()), 1, 1, 1, 32, true, false, true),
        new("W1 GRU step", "w1_gru", () => RnnGenModel.Of(new W1Gru()), 1, 1, 1, 32, true, false, false),
        new("W1 SimpleRnn step", "w1_rnn", () => RnnGenModel.Of(new W1Rnn()), 1, 1, 1, 32, true, false, false),
        new("W2 LSTM forward", "w2_lstm", () => RnnGenModel.Of(new W2Lstm()), 1, 100, 32, 128, false, false, true),
        new("W2 GRU forward", "w2_gru", () => RnnGenModel.Of(new W2Gru()), 1, 100, 32, 128, false, false, false),
        new("W2 SimpleRnn forward", "w2_rnn", () => RnnGenModel.Of(new W2Rnn()), 1, 100, 32, 128, false, false, false),
        new("W3 LSTM forward", "w3_lstm", () => RnnGenModel.Of(new W3Lstm()), 32, 500, 32, 32, false, true, true),
        new("W3 GRU forward", "w3_gru", () => RnnGenModel.Of(new W3Gru()), 32, 500, 32, 32, false, true, false),
        new("W3 SimpleRnn forward", "w3_rnn", () => RnnGenModel.Of(new W3Rnn()), 32, 500, 32, 32, false, true, false),
        new("W5 BiLSTM forward", "w5_bilstm", () => RnnGenModel.Of(new W5BiLstm()), 16, 200, 64, 256, false, true, true),
    };

    /// <summary>Hidden units of the state (W1 only: h0/hn and c0/cn are [1, 1, Hidden]).</summary>
    public int Hidden => OutputSize;

    /// <summary>Floats in one call's output.</summary>
    public int OutputLength => Batch * (SequenceOutput ? Time : 1) * OutputSize;

    /// <summary>Floats in one call's input.</summary>
    public int InputLength => Batch * Time * InputSize;

    /// <summary>The workload named <paramref name="name"/>.</summary>
    public static OnnxWorkload Get(string name) =>
        All.FirstOrDefault(w => w.Name == name) ?? throw new ArgumentException($"No ONNX workload named '{name}'.", nameof(name));

    /// <summary>Deterministic inputs in [-1, 1), as the RnnGen workloads draw them.</summary>
    public static float[] RandomInputs(int seed, int length)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}

/// <summary>An RnnGen model behind delegates, so the ONNX code can drive any workload's model the same way.</summary>
/// <param name="SaveWeights">Writes the weights as safetensors with PyTorch names.</param>
/// <param name="Predict">(inputs, outputs) for the workload's batch and steps; null for W1.</param>
/// <param name="Step">(input, output) one step of one stream, state carried; null except for W1.</param>
/// <param name="State">W1's carried state: h then (LSTM) c.</param>
public sealed record RnnGenModel(Action<string> SaveWeights, Action<float[], int, int, float[]>? Predict, Action<float[], float[]>? Step, IRecurrentState? State)
{
    public static RnnGenModel Of(W1Lstm m) { var s = m.CreateState(); return new(m.SaveWeights, null, (x, y) => m.Step(x, y, s), s); }
    public static RnnGenModel Of(W1Gru m) { var s = m.CreateState(); return new(m.SaveWeights, null, (x, y) => m.Step(x, y, s), s); }
    public static RnnGenModel Of(W1Rnn m) { var s = m.CreateState(); return new(m.SaveWeights, null, (x, y) => m.Step(x, y, s), s); }
    public static RnnGenModel Of(W2Lstm m) => new(m.SaveWeights, (x, b, t, y) => m.Predict(x, b, t, y), null, null);
    public static RnnGenModel Of(W2Gru m) => new(m.SaveWeights, (x, b, t, y) => m.Predict(x, b, t, y), null, null);
    public static RnnGenModel Of(W2Rnn m) => new(m.SaveWeights, (x, b, t, y) => m.Predict(x, b, t, y), null, null);
    public static RnnGenModel Of(W3Lstm m) => new(m.SaveWeights, (x, b, t, y) => m.Predict(x, b, t, y), null, null);
    public static RnnGenModel Of(W3Gru m) => new(m.SaveWeights, (x, b, t, y) => m.Predict(x, b, t, y), null, null);
    public static RnnGenModel Of(W3Rnn m) => new(m.SaveWeights, (x, b, t, y) => m.Predict(x, b, t, y), null, null);
    public static RnnGenModel Of(W5BiLstm m) => new(m.SaveWeights, (x, b, t, y) => m.Predict(x, b, t, y), null, null);
}
