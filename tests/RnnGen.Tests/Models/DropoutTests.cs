using RnnGen.Training;

namespace RnnGen.Tests.Models;

/// <summary>Output and input dropout on stacked recurrent layers.</summary>
[RnnModel(InputSize = 3, Loss = Loss.MeanSquaredError)]
public partial class DropoutRegressor
{
    [Dropout(0.3, Input = 0.2), Lstm(6, ReturnSequences = true)] public partial RecurrentLayer A { get; }
    [Dropout(0.5), Gru(5)] public partial RecurrentLayer B { get; }
    [Dense(2)] public partial DenseLayer Out { get; }
}

/// <summary><see cref="DropoutRegressor"/> without dropout.</summary>
[RnnModel(InputSize = 3, Loss = Loss.MeanSquaredError)]
public partial class PlainRegressor
{
    [Lstm(6, ReturnSequences = true)] public partial RecurrentLayer A { get; }
    [Gru(5)] public partial RecurrentLayer B { get; }
    [Dense(2)] public partial DenseLayer Out { get; }
}

/// <summary>Dropout is active in the training forward passes only, is reproducible, and backward follows its masks.</summary>
public sealed class DropoutTests
{
    private const int B = 4, T = 6;
    private static readonly float[] Inputs = Enumerable.Range(0, B * T * 3).Select(i => MathF.Sin(i * 0.37f)).ToArray();
    private static readonly float[] Targets = Enumerable.Range(0, B * 2).Select(i => MathF.Cos(i * 0.9f)).ToArray();
    private static readonly int[] Lengths = { 6, 3, 5, 6 };

    private static SequenceBatch Batch => new() { BatchSize = B, TimeSteps = T, Inputs = Inputs, Lengths = Lengths, Targets = Targets };

    [Fact]
    public void Inference_ignores_dropout_and_training_applies_it_reproducibly()
    {
        var model = new DropoutRegressor(seed: 1);
        var plain = new PlainRegressor(seed: 9);
        model.Parameters.CopyTo(plain.Parameters);
        float[] a = new float[B * 2], b = new float[B * 2];
        model.Predict(Inputs, B, T, a, Lengths);
        plain.Predict(Inputs, B, T, b, Lengths);
        Assert.Equal(b, a);

        float without = plain.Forward(Batch, default);
        model.ResetRandom(3);
        float first = model.Forward(Batch, default);
        model.ResetRandom(3);
        float again = model.Forward(Batch, default);
        float other = model.Forward(Batch, default);
        Assert.Equal(first, again);
        Assert.NotEqual(without, first);
        Assert.NotEqual(first, other);

        // and Predict after training-mode passes is still the plain model's
        model.Predict(Inputs, B, T, a, Lengths);
        Assert.Equal(b, a);
    }

    [Fact]
    public void Backward_is_the_gradient_of_the_loss_with_the_same_masks()
    {
        var model = new DropoutRegressor(seed: 2);
        model.ResetRandom(5);
        model.ZeroGradients();
        model.Forward(Batch, default);
        model.Backward();
        float[] g = model.Gradients.ToArray();
        Span<float> p = model.Parameters;
        float[] saved = p.ToArray();
        var random = new Random(4);
        foreach (NamedTensor tensor in model.NamedParameters)
        {
            int offset = tensor.Values.Span.Length == 0 ? 0 : (int)(System.Runtime.CompilerServices.Unsafe.ByteOffset(ref p[0], ref tensor.Values.Span[0]) / sizeof(float));
            var d = new float[tensor.Length];
            double analytic = 0;
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = (float)(random.NextDouble() * 2 - 1);
                analytic += d[i] * g[offset + i];
            }

            const float eps = 1e-3f;
            for (int i = 0; i < d.Length; i++) p[offset + i] = saved[offset + i] + eps * d[i];
            model.ResetRandom(5);
            double plus = model.Forward(Batch, default);
            for (int i = 0; i < d.Length; i++) p[offset + i] = saved[offset + i] - eps * d[i];
            model.ResetRandom(5);
            double minus = model.Forward(Batch, default);
            saved.CopyTo(p);
            double numeric = (plus - minus) / (2 * eps);
            Assert.True(Math.Abs(numeric - analytic) <= 1e-3 + 1e-2 * Math.Abs(analytic), $"{tensor.Name}: finite difference {numeric}, backward {analytic}");
        }
    }

    [Fact]
    public void The_input_gradient_is_the_gradient_through_the_input_mask()
    {
        // L = Σ w ⊙ y for a fixed w: ∂L/∂y = w, and (L(x + εd) − L(x − εd)) / 2ε = ∂L/∂x · d with the same masks
        var model = new DropoutRegressor(seed: 3);
        float[] w = Enumerable.Range(0, B * 2).Select(i => 1f + 0.5f * i).ToArray();
        var inputGradient = new float[Inputs.Length];
        var outputs = new float[B * 2];
        model.ResetRandom(6);
        model.Forward(Inputs, B, T, outputs, Lengths);
        model.Backward(w, inputGradient: inputGradient);

        double Loss(float[] x)
        {
            model.ResetRandom(6);
            model.Forward(x, B, T, outputs, Lengths);
            return outputs.Select((y, i) => (double)y * w[i]).Sum();
        }

        var random = new Random(8);
        float[] d = Inputs.Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        const float eps = 1e-3f;
        double numeric = (Loss(Inputs.Select((x, i) => x + eps * d[i]).ToArray()) - Loss(Inputs.Select((x, i) => x - eps * d[i]).ToArray())) / (2 * eps);
        double analytic = inputGradient.Select((g, i) => (double)g * d[i]).Sum();
        Assert.True(Math.Abs(numeric - analytic) <= 1e-3 + 1e-2 * Math.Abs(analytic), $"finite difference {numeric}, backward {analytic}");
        Assert.Contains(inputGradient, g => g == 0f); // some input elements were dropped
    }

    [Fact]
    public void A_training_step_with_dropout_allocates_nothing_after_warm_up()
    {
        var model = new DropoutRegressor(seed: 4);
        var optimizer = new Adam(0.001f);
        void Step()
        {
            model.ZeroGradients();
            model.Forward(Batch, default);
            model.Backward();
            optimizer.Update(model.Parameters, model.Gradients);
        }

        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
