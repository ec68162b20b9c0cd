using RnnGen.Training;

namespace RnnGen.Tests.Conditioned;

/// <summary>
/// Conditioned layers (<c>[Conditioned]</c>): Backward's gradients of every parameter (W_c, b_c, W_f among them) and of
/// the condition vectors against central finite differences of the float32 loss.
/// </summary>
public sealed class ConditionedGradientTests
{
    private const int B = 3, T = 4;
    private static readonly int[] Lengths = { 4, 2, 3 };

    private static float[] Random(int n, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
    }

    private static int[] Tokens(int vocabulary, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, B * T).Select(_ => random.Next(vocabulary)).ToArray();
    }

    [Fact]
    public void Lstm_started_from_the_condition()
    {
        var model = new CaptionLstm(seed: 3);
        int[] tokens = Tokens(7, 1), targets = Tokens(7, 2);
        float[] conditions = Random(B * CaptionLstm.ConditionSize, 4);
        CheckParameters("CaptionLstm", model, model.NamedParameters,
            () => model.Forward(new SequenceBatch { BatchSize = B, TimeSteps = T, Tokens = tokens, Lengths = Lengths, ClassTargets = targets, Conditions = conditions }, default));
        float[] weights = Random(B * T * CaptionLstm.OutputSize, 5);
        CheckConditions("CaptionLstm", conditions,
            v => { var o = new float[weights.Length]; model.Predict(v, tokens, B, T, o, Lengths); return Dot(o, weights); },
            dv => { model.Forward(conditions, tokens, B, T, default, Lengths); model.Backward(weights, dv); });
    }

    [Fact]
    public void Stacked_gru_fed_the_condition_at_every_step()
    {
        var model = new CaptionGru(seed: 5);
        int[] tokens = Tokens(7, 11), targets = Tokens(7, 12);
        float[] conditions = Random(B * CaptionGru.ConditionSize, 14);
        CheckParameters("CaptionGru", model, model.NamedParameters,
            () => model.Forward(new SequenceBatch { BatchSize = B, TimeSteps = T, Tokens = tokens, Lengths = Lengths, ClassTargets = targets, Conditions = conditions }, default));
        float[] weights = Random(B * T * CaptionGru.OutputSize, 15);
        CheckConditions("CaptionGru", conditions,
            v => { var o = new float[weights.Length]; model.Predict(v, tokens, B, T, o, Lengths); return Dot(o, weights); },
            dv => { model.Forward(conditions, tokens, B, T, default, Lengths); model.Backward(weights, dv); });
    }

    [Fact]
    public void SimpleRnn_with_both_modes()
    {
        var model = new CaptionRnn(seed: 7);
        int[] tokens = Tokens(6, 21), targets = Tokens(6, 22);
        float[] conditions = Random(B * CaptionRnn.ConditionSize, 24);
        CheckParameters("CaptionRnn", model, model.NamedParameters,
            () => model.Forward(new SequenceBatch { BatchSize = B, TimeSteps = T, Tokens = tokens, ClassTargets = targets, Conditions = conditions }, default));
        float[] weights = Random(B * T * CaptionRnn.OutputSize, 25);
        CheckConditions("CaptionRnn", conditions,
            v => { var o = new float[weights.Length]; model.Predict(v, tokens, B, T, o); return Dot(o, weights); },
            dv => { model.Forward(conditions, tokens, B, T, default); model.Backward(weights, dv); });
    }

    [Fact]
    public void Float_model_with_both_modes_and_input_gradients()
    {
        var model = new ConditionedRegressor(seed: 9);
        float[] inputs = Random(B * T * 2, 31), targets = Random(B * 2, 32);
        float[] conditions = Random(B * ConditionedRegressor.ConditionSize, 34);
        CheckParameters("ConditionedRegressor", model, model.NamedParameters,
            () => model.Forward(new SequenceBatch { BatchSize = B, TimeSteps = T, Inputs = inputs, Lengths = Lengths, Targets = targets, Conditions = conditions }, default));
        float[] weights = Random(B * ConditionedRegressor.OutputSize, 35);
        CheckConditions("ConditionedRegressor", conditions,
            v => { var o = new float[weights.Length]; model.Predict(v, inputs, B, T, o, Lengths); return Dot(o, weights); },
            dv => { model.Forward(conditions, inputs, B, T, default, Lengths); model.Backward(weights, dv); });

        // the input gradient still flows with the condition's
        var dx = new float[inputs.Length];
        model.Forward(conditions, inputs, B, T, default, Lengths);
        model.Backward(weights, default, dx);
        const float eps = 2e-3f;
        float[] direction = Random(inputs.Length, 36);
        for (int b = 0; b < B; b++)
        {
            for (int t = Lengths[b]; t < T; t++) direction[(b * T + t) * 2] = direction[(b * T + t) * 2 + 1] = 0; // padding has no gradient
        }

        float Loss(float sign)
        {
            float[] x = inputs.Select((value, i) => value + sign * eps * direction[i]).ToArray();
            var o = new float[weights.Length];
            model.Predict(conditions, x, B, T, o, Lengths);
            return Dot(o, weights);
        }

        double numeric = (Loss(1) - Loss(-1)) / (2 * eps), analytic = Dot(dx, direction);
        Assert.True(Math.Abs(numeric - analytic) <= 2e-3 + 2e-2 * Math.Abs(analytic), $"inputs: finite difference {numeric}, backward {analytic}");
    }

    private static float Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (double)a[i] * b[i];
        return (float)sum;
    }

    /// <summary>Central differences along a random direction per tensor, (L(p + εd) − L(p − εd)) / 2ε = ∇L · d, against Backward's gradient.</summary>
    private static void CheckParameters(string name, ITrainableModel model, IReadOnlyList<NamedTensor> parameters, Func<float> loss)
    {
        model.Gradients.Clear();
        loss();
        model.Backward();
        float[] gradients = model.Gradients.ToArray();
        var random = new Random(5);
        int offset = 0;
        var seen = new List<string>();
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
            seen.Add(p.Name);
        }

        Assert.Contains(seen, n => n.Contains(".init_state.") || n.EndsWith(".weight_ic_l0", StringComparison.Ordinal));
    }

    /// <summary>∂L/∂conditions from Backward against central differences of L along a random direction.</summary>
    private static void CheckConditions(string name, float[] conditions, Func<float[], float> loss, Action<float[]> backward)
    {
        var analytic = new float[conditions.Length];
        backward(analytic);
        Assert.Contains(analytic, g => g != 0);
        float[] direction = Random(conditions.Length, 99);
        const float eps = 2e-3f;
        double numeric = (loss(conditions.Select((v, i) => v + eps * direction[i]).ToArray()) - loss(conditions.Select((v, i) => v - eps * direction[i]).ToArray())) / (2 * eps);
        double expected = Dot(analytic, direction);
        Assert.True(Math.Abs(numeric - expected) <= 2e-3 + 2e-2 * Math.Abs(expected), $"{name}: conditions: finite difference {numeric}, backward {expected}");
    }
}
