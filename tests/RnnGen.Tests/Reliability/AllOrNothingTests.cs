using RnnGen.Tests.Models;
using RnnGen.Training;

namespace RnnGen.Tests.Reliability;

/// <summary>A rejected call leaves the model exactly as it was, including what Backward differentiates; Backward without a valid training Forward refuses.</summary>
public sealed class AllOrNothingTests
{
    private const int B = 3, T = 5;

    private static readonly float[] Inputs = TestFloats.Uniform(B * T * StreamModel.InputSize, 1);
    private static readonly float[] OutputGradient = TestFloats.Uniform(B * T * StreamModel.OutputSize, 2);
    private static readonly int[] Lengths = { 5, 2, 4 };

    /// <summary>The gradients of Forward(Inputs) then Backward(OutputGradient), with <paramref name="between"/> in between.</summary>
    private static float[] Gradients(StreamModel model, Action between)
    {
        model.ZeroGradients();
        model.Forward(Inputs, B, T, new float[OutputGradient.Length], Lengths);
        between();
        model.Backward(OutputGradient);
        return model.Gradients.ToArray();
    }

    [Fact]
    public void Predict_rejected_for_its_output_span_leaves_the_training_pass_intact()
    {
        var model = new StreamModel(seed: 3);
        float[] expected = Gradients(model, () => { });
        float[] parameters = model.Parameters.ToArray();
        float[] actual = Gradients(model, () =>
            Assert.Throws<ArgumentException>(() => model.Predict(TestFloats.Uniform(4 * 9 * StreamModel.InputSize, 4), 4, 9, TestFloats.Uniform(7, 4))));
        Assert.Equal(expected, actual);
        Assert.Equal(parameters, model.Parameters.ToArray());
    }

    [Fact]
    public void Forward_rejected_for_a_state_of_another_batch_size_leaves_the_last_pass_intact()
    {
        var model = new StreamModel(seed: 5);
        float[] expected = Gradients(model, () => { });
        float[] bigger = TestFloats.Uniform(8 * 9 * StreamModel.InputSize, 6);
        float[] actual = Gradients(model, () =>
        {
            var e = Assert.Throws<ArgumentException>(() => model.Forward(bigger, 8, 9, default, default, model.CreateState(2)));
            Assert.Equal("state", e.ParamName);
        });
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Forward_of_a_batch_rejected_for_a_bad_label_leaves_the_last_pass_intact()
    {
        var model = new HelloModel(seed: 7);
        int[] tokens = { 0, 1, 2, 3, 1, 0, 2, 2 };
        var good = new SequenceBatch { BatchSize = 2, TimeSteps = 4, Tokens = tokens, ClassTargets = new[] { 1, 2, 3, 0, 0, 2, 2, 3 } };
        model.ZeroGradients();
        model.Forward(good, default);
        model.Backward();
        float[] expected = model.Gradients.ToArray();

        model.ZeroGradients();
        model.Forward(good, default);
        int[] bigTokens = Enumerable.Range(0, 6 * 7).Select(i => i % 4).ToArray();
        int[] badLabels = Enumerable.Range(0, 6 * 7).Select(i => i == 40 ? 4 : i % 4).ToArray();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new SequenceBatch { BatchSize = 6, TimeSteps = 7, Tokens = bigTokens, ClassTargets = badLabels }, default));
        Assert.Contains("batch.ClassTargets[40]", e.Message);
        model.Backward();
        Assert.Equal(expected, model.Gradients.ToArray());

        var bce = new DropoutDetector(seed: 1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => bce.Forward(new SequenceBatch { BatchSize = 2, TimeSteps = 1, Inputs = new float[4], Targets = new[] { 1f, -1f } }, default));
        Assert.Contains("batch.Targets[1]: expected a binary cross-entropy target in [0, 1] but got -1", ex.Message);
    }

    [Fact]
    public void Forward_rejected_for_an_unknown_token_changes_nothing_and_Backward_then_refuses()
    {
        var model = new HelloModel(seed: 9);
        int[] tokens = Enumerable.Range(0, 2 * 30).Select(i => i == 59 ? 77 : i % 4).ToArray();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(tokens, 2, 30, default));
        Assert.Contains("tokens[59]: expected a token id in 0…3 but got 77", e.Message);
        var refused = Assert.Throws<InvalidOperationException>(() => model.Backward(new float[2 * 30 * HelloModel.OutputSize]));
        Assert.Contains("no valid training-mode Forward", refused.Message);
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));

        // after a valid Forward, a rejected one leaves it to Backward
        int[] good = Enumerable.Range(0, 2 * 3).Select(i => i % 4).ToArray();
        float[] dOut = TestFloats.Uniform(2 * 3 * HelloModel.OutputSize, 10);
        model.Forward(good, 2, 3, default);
        model.Backward(dOut);
        float[] expected = model.Gradients.ToArray();
        model.ZeroGradients();
        model.Forward(good, 2, 3, default);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(tokens, 2, 30, default));
        model.Backward(dOut);
        Assert.Equal(expected, model.Gradients.ToArray());
    }

    [Fact]
    public void Backward_without_a_training_Forward_refuses_and_says_why()
    {
        var model = new Forecaster(seed: 11);
        model.Predict(new float[4], 1, 4, new float[1]); // inference is no training pass
        var e = Assert.Throws<InvalidOperationException>(() => model.Backward());
        Assert.Contains("no valid training-mode Forward", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => model.Backward(new float[1]));
        Assert.Contains("no valid training-mode Forward", e.Message);
    }

    [Fact]
    public void A_rejected_Backward_leaves_the_gradients_and_the_callers_input_gradient_alone()
    {
        var model = new StreamModel(seed: 13);
        model.Forward(Inputs, B, T, default, Lengths);
        float[] dInput = Enumerable.Repeat(7f, Inputs.Length).ToArray();
        Assert.Throws<ArgumentException>(() => model.Backward(OutputGradient, model.CreateState(1), dInput));
        Assert.All(dInput, v => Assert.Equal(7f, v));
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }
}
