using System.Text.Json;
using RnnGen.Training;

namespace RnnGen.Tests.OutputRecurrence;

/// <summary>
/// Output recurrence trained with teacher forcing, against PyTorch (Fixtures/output_recurrence, make_output_recurrence_fixtures.py)
/// and finite differences; free-running Predict and Step against the teacher-forced pass fed the model's own outputs.
/// </summary>
public sealed class OutputRecurrenceTests
{
    private static float[] Floats(JsonElement e) => e.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private sealed record Case(ITrainableModel Model, JsonElement Root, int B, int T, int[] Lengths, float[] Inputs, float[]? Targets, int[]? Classes)
    {
        public SequenceBatch Batch => Classes is not null
            ? new SequenceBatch { BatchSize = B, TimeSteps = T, Inputs = Inputs, Lengths = Lengths, ClassTargets = Classes }
            : new SequenceBatch { BatchSize = B, TimeSteps = T, Inputs = Inputs, Lengths = Lengths, Targets = Targets };
    }

    private static Case Load(string name)
    {
        JsonElement root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "output_recurrence", name + ".json"))).RootElement;
        ITrainableModel model = name == "feedback_forecaster" ? new FeedbackForecaster() : new FeedbackTagger();
        var named = (IReadOnlyList<NamedTensor>)model.GetType().GetProperty("NamedParameters")!.GetValue(model)!;
        JsonElement parameters = root.GetProperty("params");
        Assert.Equal(parameters.EnumerateObject().Count(), named.Count);
        foreach (NamedTensor t in named) Floats(parameters.GetProperty(t.Name)).CopyTo(t.Values.Span);
        int B = root.GetProperty("B").GetInt32(), T = root.GetProperty("T").GetInt32();
        int[] lengths = root.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        JsonElement targets = root.GetProperty("targets");
        bool classes = targets.ValueKind == JsonValueKind.Array;
        return new Case(model, root, B, T, lengths, Floats(root.GetProperty("inputs")), classes ? null : Floats(targets),
            classes ? targets.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null);
    }

    [Theory]
    [InlineData("feedback_forecaster")]
    [InlineData("feedback_tagger")]
    public void Teacher_forced_training_matches_PyTorch(string name)
    {
        Case c = Load(name);
        ITrainableModel model = c.Model;
        JsonElement root = c.Root;
        SequenceBatch batch = c.Batch;
        int O = model.ModelOutputSize, T = batch.TimeSteps;
        var outputs = new float[batch.BatchSize * T * O];
        model.Gradients.Clear();
        float loss = model.Forward(batch, outputs);
        model.Backward();
        Assert.True(Math.Abs(loss - root.GetProperty("loss").GetDouble()) < 1e-5, $"{name}: loss {loss}, PyTorch {root.GetProperty("loss").GetDouble()}");
        float[] expected = Floats(root.GetProperty("outputs"));
        for (int i = 0; i < expected.Length; i++)
        {
            if (i / O % T >= batch.Lengths[i / O / T]) continue; // padded steps
            Assert.True(Math.Abs(outputs[i] - expected[i]) < 1e-5, $"{name}: output[{i}] = {outputs[i]}, PyTorch {expected[i]}");
        }

        var gradients = (IReadOnlyList<NamedTensor>)model.GetType().GetProperty("NamedGradients")!.GetValue(model)!;
        foreach (NamedTensor g in gradients)
        {
            float[] reference = Floats(root.GetProperty("grads").GetProperty(g.Name));
            for (int i = 0; i < reference.Length; i++)
            {
                Assert.True(Math.Abs(g.Values.Span[i] - reference[i]) < 1e-5, $"{name}: ∂{g.Name}[{i}] = {g.Values.Span[i]}, PyTorch {reference[i]}");
            }
        }
    }

    [Theory]
    [InlineData("feedback_forecaster")]
    [InlineData("feedback_tagger")]
    public void Gradients_match_finite_differences(string name)
    {
        Case c = Load(name);
        ITrainableModel model = c.Model;
        SequenceBatch batch = c.Batch;
        model.Gradients.Clear();
        model.Forward(batch, default);
        model.Backward();
        float[] g = model.Gradients.ToArray();
        Span<float> p = model.Parameters;
        float[] saved = p.ToArray();
        var random = new Random(2);
        for (int trial = 0; trial < 6; trial++)
        {
            float[] d = saved.Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            double analytic = d.Select((v, i) => (double)v * g[i]).Sum();
            const float eps = 1e-3f;
            for (int i = 0; i < p.Length; i++) p[i] = saved[i] + eps * d[i];
            double plus = model.Forward(batch, default);
            for (int i = 0; i < p.Length; i++) p[i] = saved[i] - eps * d[i];
            double minus = model.Forward(batch, default);
            saved.CopyTo(p);
            double numeric = (plus - minus) / (2 * eps);
            Assert.True(Math.Abs(numeric - analytic) <= 1e-3 + 1e-2 * Math.Abs(analytic), $"{name}: finite difference {numeric}, backward {analytic}");
        }
    }

    [Fact]
    public void Predict_feeds_back_its_own_outputs_and_equals_teacher_forcing_with_them()
    {
        var model = new FeedbackForecaster(seed: 4);
        const int B = 3, T = 7;
        float[] inputs = Enumerable.Range(0, B * T * 2).Select(i => MathF.Sin(0.3f * i)).ToArray();
        var predicted = new float[B * T * 3];
        model.Predict(inputs, B, T, predicted);

        // teacher forcing with the model's own outputs as the targets reproduces them exactly
        var forced = new float[predicted.Length];
        model.Forward(new SequenceBatch { BatchSize = B, TimeSteps = T, Inputs = inputs, Targets = predicted }, forced);
        for (int i = 0; i < forced.Length; i++) Assert.Equal(predicted[i], forced[i], 5);

        // and Step by step gives the same
        FeedbackForecaster.State state = model.CreateState(B);
        var row = new float[B * 2];
        var output = new float[B * 3];
        for (int t = 0; t < T; t++)
        {
            for (int b = 0; b < B; b++) inputs.AsSpan((b * T + t) * 2, 2).CopyTo(row.AsSpan(b * 2));
            model.Step(row, output, state);
            for (int b = 0; b < B; b++)
                for (int k = 0; k < 3; k++)
                    Assert.Equal(predicted[(b * T + t) * 3 + k], output[b * 3 + k], 6);
        }

        // feeding back matters: a model that saw zeros instead would differ
        var zeroTargets = new float[predicted.Length];
        var other = new float[predicted.Length];
        model.Forward(new SequenceBatch { BatchSize = B, TimeSteps = T, Inputs = inputs, Targets = zeroTargets }, other);
        Assert.NotEqual(predicted, other);
    }

    [Fact]
    public void Training_with_teacher_forcing_learns_a_sequence_that_depends_on_its_past_outputs()
    {
        // y_t = 0.5 · y_(t−1) + x_t: learnable from [x_t; y_(t−1)] in one step
        var model = new FeedbackForecaster(seed: 1);
        const int B = 16, T = 10;
        var random = new Random(3);
        float[] inputs = Enumerable.Range(0, B * T * 2).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var targets = new float[B * T * 3];
        for (int b = 0; b < B; b++)
        {
            float y = 0;
            for (int t = 0; t < T; t++)
            {
                y = 0.5f * y + inputs[(b * T + t) * 2];
                for (int k = 0; k < 3; k++) targets[(b * T + t) * 3 + k] = y;
            }
        }

        var batch = new SequenceBatch { BatchSize = B, TimeSteps = T, Inputs = inputs, Targets = targets };
        var optimizer = new Adam(0.02f);
        float first = model.Forward(batch, default), last = first;
        for (int i = 0; i < 300; i++)
        {
            model.ZeroGradients();
            last = model.Forward(batch, default);
            model.Backward();
            optimizer.Update(model.Parameters, model.Gradients);
        }

        Assert.True(last < first / 20, $"teacher-forced loss went from {first} to {last}");
        var predicted = new float[targets.Length];
        model.Predict(inputs, B, T, predicted);
        double error = predicted.Select((v, i) => (double)(v - targets[i]) * (v - targets[i])).Average();
        Assert.True(error < 0.01, $"free-running mean squared error {error}");
    }
}
