using System.Text.Json;

namespace RnnGen.Tests.Fixtures;

/// <summary>A PyTorch reference case from <c>Fixtures/*.json</c> (see Fixtures/README.md), time-major as stored.</summary>
public sealed class Fixture
{
    private readonly JsonElement _root;

    private Fixture(string name, JsonElement root)
    {
        Name = name;
        _root = root;
    }

    public string Name { get; }
    public string Cell => _root.GetProperty("cell").GetString()!;
    public int InputSize => _root.GetProperty("input_size").GetInt32();
    public int HiddenSize => _root.GetProperty("hidden_size").GetInt32();
    /// <summary>An LSTM's <c>proj_size</c> P (0: none).</summary>
    public int ProjSize => _root.TryGetProperty("proj_size", out JsonElement p) ? p.GetInt32() : 0;
    /// <summary>Floats of h (the output per direction and the hidden state): P with a projection, H otherwise.</summary>
    public int OutputUnits => ProjSize > 0 ? ProjSize : HiddenSize;
    public int NumLayers => _root.GetProperty("num_layers").GetInt32();
    public int NumDirections => _root.GetProperty("num_directions").GetInt32();
    public int SeqLen => _root.GetProperty("seq_len").GetInt32();
    public int Batch => _root.GetProperty("batch").GetInt32();
    public bool IsLstm => Cell == "lstm";
    public double Loss => _root.GetProperty("loss").GetDouble();
    public double LossFull => _root.GetProperty("loss_full").GetDouble();

    public static Fixture Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        return new Fixture(name, doc.RootElement.Clone());
    }

    public bool Has(string key) => _root.TryGetProperty(key, out _);

    /// <summary>A top-level tensor (<c>input</c>, <c>h0</c>, <c>output</c>, <c>R</c>, …).</summary>
    public Tensor Tensor(string key) => Read(_root.GetProperty(key));

    public Tensor Param(string name) => Read(_root.GetProperty("params").GetProperty(name));

    public Tensor Grad(string name, bool full = false) => Read(_root.GetProperty(full ? "grads_full" : "grads").GetProperty(name));

    public IReadOnlyList<string> ParamNames => _root.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static Tensor Read(JsonElement t) => new(
        t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
        t.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray());

    /// <summary>Time-major <c>[T, B, F]</c> → batch-first <c>[B, T, F]</c>.</summary>
    public static double[] ToBatchFirst(Tensor t)
    {
        int T = t.Shape[0], B = t.Shape[1], F = t.Shape[2];
        var r = new double[t.Data.Length];
        for (int ti = 0; ti < T; ti++)
            for (int b = 0; b < B; b++)
                Array.Copy(t.Data, (ti * B + b) * F, r, (b * T + ti) * F, F);
        return r;
    }
}

public sealed record Tensor(int[] Shape, double[] Data)
{
    public float[] ToFloat() => Data.Select(d => (float)d).ToArray();
}

public static class Compare
{
    /// <summary>Asserts |a − ref| ≤ tol · max(1, |ref|) elementwise; on failure names the tensor, the index and the difference.</summary>
    public static void Close(string name, ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tol)
    {
        Assert.True(expected.Length == actual.Length, $"{name}: length {actual.Length}, expected {expected.Length}");
        double worst = 0; int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i]));
            if (double.IsNaN(actual[i]) || err > worst) { worst = double.IsNaN(actual[i]) ? double.PositiveInfinity : err; at = i; }
        }
        Assert.True(worst <= tol, $"{name}: max error {worst:E3} at index {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}), tolerance {tol:E1}");
    }
}
