using System.Text.Json;
using RnnGen.Seq2Seq;

namespace RnnGen.Tests.Seq2Seq;

/// <summary>
/// Encoder-decoder models against PyTorch (Fixtures/seq2seq/*.json, made by make_seq2seq_fixtures.py in float64): the loss, the
/// output probabilities and every parameter gradient of a teacher-forced batch with padded sources and targets; and every
/// gradient against central finite differences of the model's own loss.
/// </summary>
public sealed class EncoderDecoderParityTests
{
    public static TheoryData<string> Cases() => new() { "additive_lstm", "general_gru", "dot_rnn", "plain_lstm" };

    internal static IEncoderDecoderModel Create(string name) => name switch
    {
        "additive_lstm" => new AdditiveLstm(),
        "general_gru" => new GeneralGru(),
        "dot_rnn" => new DotRnn(),
        "plain_lstm" => new PlainLstm(),
        _ => throw new ArgumentException(name),
    };

    private static IReadOnlyList<NamedTensor> Named(IEncoderDecoderModel model, string property)
        => (IReadOnlyList<NamedTensor>)model.GetType().GetProperty(property)!.GetValue(model)!;

    internal sealed record Case(IEncoderDecoderModel Model, JsonElement Root, int[] Source, int[] SourceLengths, int[] Targets, int[] TargetLengths, int B, int S, int T)
    {
        public Seq2SeqBatch Batch => new()
        {
            BatchSize = B, SourceSteps = S, Source = Source, SourceLengths = SourceLengths,
            TargetSteps = T, Targets = Targets, TargetLengths = TargetLengths,
        };
    }

    internal static Case Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "seq2seq", name + ".json");
        JsonElement root = JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
        IEncoderDecoderModel model = Create(name);
        var parameters = Named(model, "NamedParameters");
        JsonElement fixtureParams = root.GetProperty("params");
        Assert.Equal(fixtureParams.EnumerateObject().Count(), parameters.Count);
        foreach (NamedTensor t in parameters)
        {
            Assert.True(fixtureParams.TryGetProperty(t.Name, out JsonElement p), $"{name}: PyTorch has no tensor {t.Name}");
            Assert.Equal(p.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(), t.Shape.ToArray());
            float[] values = p.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            values.CopyTo(t.Values.Span);
        }

        int[] Ints(string key) => root.GetProperty(key).EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return new Case(model, root, Ints("source"), Ints("source_lengths"), Ints("targets"), Ints("target_lengths"),
            root.GetProperty("B").GetInt32(), root.GetProperty("S").GetInt32(), root.GetProperty("T").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_and_outputs_match_PyTorch(string name)
    {
        Case c = Load(name);
        var outputs = new float[c.B * c.T * c.Model.TargetVocabularySize];
        float loss = c.Model.Forward(c.Batch, outputs);
        double expected = c.Root.GetProperty("loss").GetDouble();
        Assert.True(Math.Abs(loss - expected) < 1e-5, $"{name}: loss {loss}, PyTorch {expected}");
        double[] reference = c.Root.GetProperty("outputs").GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(reference.Length, outputs.Length);
        for (int i = 0; i < outputs.Length; i++)
        {
            Assert.True(Math.Abs(outputs[i] - reference[i]) < 1e-5, $"{name}: output[{i}] = {outputs[i]}, PyTorch {reference[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_PyTorch(string name)
    {
        Case c = Load(name);
        c.Model.Gradients.Clear();
        c.Model.Forward(c.Batch, default);
        c.Model.Backward();
        JsonElement grads = c.Root.GetProperty("grads");
        foreach (NamedTensor g in Named(c.Model, "NamedGradients"))
        {
            double[] expected = grads.GetProperty(g.Name).GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            ReadOnlySpan<float> actual = g.Values.Span;
            double scale = Math.Max(1e-3, expected.Max(Math.Abs));
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 + 1e-4 * scale, $"{name}: ∂{g.Name}[{i}] = {actual[i]}, PyTorch {expected[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(string name)
    {
        Case c = Load(name);
        CheckFiniteDifferences(name, c.Model, Named(c.Model, "NamedParameters"), () => c.Model.Forward(c.Batch, default));
    }

    /// <summary>
    /// Central differences of the float32 loss along a random direction per tensor, (L(p + εd) − L(p − εd)) / 2ε = ∇L · d,
    /// against Backward's gradient of the same <paramref name="loss"/> (a training Forward; it must draw the same dropout masks every call).
    /// </summary>
    internal static void CheckFiniteDifferences(string name, IEncoderDecoderModel model, IReadOnlyList<NamedTensor> parameters, Func<float> loss)
    {
        model.Gradients.Clear();
        loss();
        model.Backward();
        float[] gradients = model.Gradients.ToArray();
        var random = new Random(5);
        int offset = 0;
        foreach (NamedTensor p in parameters)
        {
            Span<float> values = p.Values.Span;
            var direction = new float[values.Length];
            double analytic = 0;
            for (int i = 0; i < direction.Length; i++)
            {
                direction[i] = (float)(random.NextDouble() * 2 - 1);
                analytic += direction[i] * gradients[offset + i];
            }

            const float eps = 2e-3f;
            float[] saved = values.ToArray();
            for (int i = 0; i < values.Length; i++) values[i] = saved[i] + eps * direction[i];
            double plus = loss();
            for (int i = 0; i < values.Length; i++) values[i] = saved[i] - eps * direction[i];
            double minus = loss();
            saved.CopyTo(values);
            double numeric = (plus - minus) / (2 * eps);
            Assert.True(Math.Abs(numeric - analytic) <= 2e-3 + 2e-2 * Math.Abs(analytic), $"{name}: {p.Name}: finite difference {numeric}, backward {analytic}");
            Assert.True(analytic != 0, $"{name}: {p.Name} got no gradient");
            offset += p.Length;
        }
    }
}
