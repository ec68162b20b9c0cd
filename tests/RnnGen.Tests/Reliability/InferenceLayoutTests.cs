using RnnGen.Tests.Models;

namespace RnnGen.Tests.Reliability;

/// <summary>
/// Inference calls keep the workspace layout of their last call and reuse it when the batch and time steps repeat: a
/// sequence of calls of changing shapes, padding and workspace growth gives what a fresh instance gives for each call.
/// </summary>
public sealed class InferenceLayoutTests
{
    [Fact]
    public void Predict_and_Step_of_changing_shapes_equal_a_fresh_instance_bitwise()
    {
        var model = new TinyRegressor(seed: 31);
        (int B, int T, int[]? Lengths)[] shapes = [(2, 5, null), (2, 5, [5, 2]), (1, 5, null), (2, 3, null), (4, 9, [9, 1, 4, 9]), (2, 5, null), (2, 5, [3, 5])];
        for (int c = 0; c < shapes.Length; c++)
        {
            var (B, T, lengths) = shapes[c];
            float[] x = TestFloats.Uniform(B * T * TinyRegressor.InputSize, 70 + c);
            if (lengths is not null)
            {
                // padded steps hold NaN: the reused layout must zero them as a fresh one does
                for (int b = 0; b < B; b++)
                    for (int t = lengths[b]; t < T; t++)
                        x.AsSpan((b * T + t) * TinyRegressor.InputSize, TinyRegressor.InputSize).Fill(float.NaN);
            }

            float[] y = new float[B], fresh = new float[B];
            model.Predict(x, B, T, y, lengths);
            new TinyRegressor(seed: 31).Predict(x, B, T, fresh, lengths);
            Assert.True(y.AsSpan().SequenceEqual(fresh), $"call {c} ({B} × {T}): {string.Join(", ", y)} vs {string.Join(", ", fresh)}");
            Assert.All(y, v => Assert.True(float.IsFinite(v)));
        }

        // a step after predictions of other shapes, twice, against a fresh instance's steps
        TinyRegressor.State state = model.CreateState(2), freshState = new TinyRegressor(seed: 31).CreateState(2);
        var reference = new TinyRegressor(seed: 31);
        for (int t = 0; t < 3; t++)
        {
            float[] x = TestFloats.Uniform(2 * TinyRegressor.InputSize, 90 + t), y = new float[2], expected = new float[2];
            model.Step(x, y, state);
            reference.Step(x, expected, freshState);
            Assert.Equal(expected, y);
            model.Predict(TestFloats.Uniform(3 * 4 * TinyRegressor.InputSize, 95 + t), 3, 4, new float[3]); // another shape between steps
        }
    }

    [Fact]
    public void A_token_model_generates_the_same_after_predictions_of_other_shapes()
    {
        var model = new HelloModel(seed: 32);
        int[] prefix = [1, 2];
        int[] expected = new int[6], generated = new int[6];
        var fresh = new HelloModel(seed: 32);
        fresh.Generate(prefix, expected, new RnnGen.Generation.TokenSampler(RnnGen.Generation.SamplingOptions.Greedy), fresh.CreateState());
        model.Predict(Enumerable.Range(0, 3 * 7).Select(i => i % 4).ToArray(), 3, 7, new float[3 * 7 * HelloModel.OutputSize]);
        model.Generate(prefix, generated, new RnnGen.Generation.TokenSampler(RnnGen.Generation.SamplingOptions.Greedy), model.CreateState());
        Assert.Equal(expected, generated);
    }
}
