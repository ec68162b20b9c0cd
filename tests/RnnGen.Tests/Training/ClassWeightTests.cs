using RnnGen.Data;
using RnnGen.Training;

namespace RnnGen.Tests.Training;

/// <summary>
/// Class weights (<see cref="FitOptions.ClassWeights"/>, Keras's class_weight): the weighted cross-entropy and binary
/// cross-entropy against hand-computed values, their gradients against finite differences, and Fit's use of them.
/// </summary>
public sealed class ClassWeightTests
{
    private static readonly float[] Logits = { 1.0f, -0.5f, 0.2f, 0.3f, 0.9f, -1.2f, -0.4f, 0.1f, 0.6f };
    private static readonly int[] Targets = { 0, 2, 1 };
    private static readonly float[] Weights = { 0.5f, 2f, 3f };

    private static float CrossEntropy(float[] logits, float[] rowWeights, float[] classWeights, float[] gradient)
        => Losses.SoftmaxCrossEntropy(3, 3, logits, Targets, rowWeights, new float[9], gradient, classWeights);

    [Fact]
    public void Weighted_cross_entropy_is_the_weighted_mean_of_the_negative_log_probabilities()
    {
        double expected = 0, total = 0;
        for (int r = 0; r < 3; r++)
        {
            double[] z = Logits.Skip(r * 3).Take(3).Select(v => (double)v).ToArray();
            double logSum = Math.Log(z.Sum(Math.Exp));
            double w = Weights[Targets[r]];
            expected += w * (logSum - z[Targets[r]]);
            total += w;
        }

        float loss = CrossEntropy(Logits, Array.Empty<float>(), Weights, new float[9]);
        Assert.Equal(expected / total, loss, 5);

        // with a padding mask as well: row 1 (weight 3) is left out of sum and total
        float masked = CrossEntropy(Logits, new[] { 1f, 0f, 1f }, Weights, new float[9]);
        double row0 = 0.5 * (Math.Log(Logits.Take(3).Sum(v => Math.Exp(v))) - 1.0);
        double row2 = 2 * (Math.Log(Logits.Skip(6).Sum(v => Math.Exp(v))) - 0.1);
        Assert.Equal((row0 + row2) / 2.5, masked, 5);
        Assert.NotEqual(CrossEntropy(Logits, Array.Empty<float>(), Array.Empty<float>(), new float[9]), loss, 3);
    }

    [Fact]
    public void Weighted_cross_entropy_gradient_matches_finite_differences()
    {
        float[] gradient = new float[9];
        float[] rowWeights = { 1f, 1f, 0f };
        CrossEntropy(Logits, rowWeights, Weights, gradient);
        const float h = 1e-2f;
        for (int i = 0; i < 9; i++)
        {
            float[] plus = (float[])Logits.Clone(), minus = (float[])Logits.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (CrossEntropy(plus, rowWeights, Weights, new float[9]) - CrossEntropy(minus, rowWeights, Weights, new float[9])) / (2.0 * h);
            Assert.Equal(numeric, gradient[i], 3);
        }

        Assert.All(gradient[6..], g => Assert.Equal(0f, g)); // the masked row
    }

    [Fact]
    public void Weighted_binary_cross_entropy_and_its_gradient()
    {
        float[] logits = { 0.8f, -1.1f, 0.3f, 2.0f }, targets = { 1f, 0f, 0f, 0.25f }, classWeights = { 1f, 4f };
        float Loss(float[] z, float[] gradient) => Losses.SigmoidBinaryCrossEntropy(2, 2, z, targets, Array.Empty<float>(), new float[4], gradient, classWeights);

        double expected = 0, total = 0;
        for (int i = 0; i < 4; i++)
        {
            double p = 1 / (1 + Math.Exp(-logits[i])), y = targets[i];
            double w = 1 * (1 - y) + 4 * y; // the target's class weight, interpolated for the soft target 0.25
            expected += w * -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));
            total += w;
        }

        float[] gradient = new float[4];
        Assert.Equal(expected / total, Loss(logits, gradient), 5);
        const float h = 1e-2f;
        for (int i = 0; i < 4; i++)
        {
            float[] plus = (float[])logits.Clone(), minus = (float[])logits.Clone();
            plus[i] += h;
            minus[i] -= h;
            Assert.Equal((Loss(plus, new float[4]) - Loss(minus, new float[4])) / (2.0 * h), gradient[i], 3);
        }
    }

    [Fact]
    public void Model_gradients_with_class_weights_match_finite_differences()
    {
        (SequenceDataSet data, _) = FitMetricsTests.Classes(seed: 5, count: 8);
        var model = new ThreeWayClassifier(seed: 6);
        var buffers = new BatchBuffers();
        float[] weights = { 3f, 0.5f, 1.5f };
        float Loss()
        {
            SequenceBatch batch = data.FillBatch(Enumerable.Range(0, data.Count).ToArray(), buffers) with { ClassWeights = weights };
            return model.Forward(batch, default);
        }

        model.Gradients.Clear();
        Loss();
        model.Backward();
        float[] analytic = model.Gradients.ToArray();
        float[] unweighted = GradientWithout(model, data);
        Assert.NotEqual(unweighted, analytic);

        const float h = 1e-2f;
        int parameters = model.Parameters.Length;
        for (int i = 0; i < parameters; i += Math.Max(1, parameters / 23))
        {
            float saved = model.Parameters[i];
            model.Parameters[i] = saved + h;
            double plus = Loss();
            model.Parameters[i] = saved - h;
            double minus = Loss();
            model.Parameters[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-3 + 0.02 * Math.Abs(numeric), $"parameter {i}: finite difference {numeric:G5}, backward {analytic[i]:G5}");
        }
    }

    private static float[] GradientWithout(ThreeWayClassifier model, SequenceDataSet data)
    {
        model.Gradients.Clear();
        model.Forward(data.FillBatch(Enumerable.Range(0, data.Count).ToArray(), new BatchBuffers()), default);
        model.Backward();
        float[] gradient = model.Gradients.ToArray();
        model.Gradients.Clear();
        return gradient;
    }

    [Fact]
    public void Fit_divides_by_the_sum_of_weights_so_equal_weights_change_nothing()
    {
        (SequenceDataSet train, _) = FitMetricsTests.Classes(seed: 7, count: 64);
        var plain = new ThreeWayClassifier(seed: 8);
        var doubled = new ThreeWayClassifier(seed: 8);
        var options = new FitOptions { Epochs = 2, BatchSize = 16, Seed = 1 };
        TrainingHistory a = plain.Fit(train, new Adam(0.01f), options);
        TrainingHistory b = doubled.Fit(train, new Adam(0.01f), new FitOptions { Epochs = 2, BatchSize = 16, Seed = 1, ClassWeights = new[] { 2f, 2f, 2f } });
        Assert.Equal(plain.Parameters.ToArray(), doubled.Parameters.ToArray());
        Assert.Equal(a.Epochs[^1].Loss, b.Epochs[^1].Loss);
    }

    [Fact]
    public void Weighting_the_rare_positive_class_raises_its_recall()
    {
        // about one positive in eight: the first feature's mean over the sequence is above 0.3
        const int count = 256;
        (float[] inputs, double[] sums) = FitMetricsTests.RandomSequences(11, count);
        float[] targets = sums.Select(sum => sum / 5 > 0.3 ? 1f : 0f).ToArray();
        var data = SequenceDataSet.FromFloats(inputs, count, 5, 2, targets, 1);
        double Recall(float[]? classWeights)
        {
            var model = new BinaryDetector(seed: 12);
            model.Fit(data, new Adam(0.01f), new FitOptions { Epochs = 3, BatchSize = 32, Seed = 2, ClassWeights = classWeights });
            return model.Evaluate(data, new[] { FitMetric.Recall }).Metrics[FitMetric.Recall];
        }

        double plain = Recall(null), weighted = Recall(new[] { 1f, 8f });
        Assert.True(weighted > plain, $"recall with positive weight 8: {weighted:F3}, without: {plain:F3}");
    }

    [Fact]
    public void Bad_class_weights_are_refused_by_name()
    {
        (SequenceDataSet train, _) = FitMetricsTests.Classes(seed: 7, count: 16);
        var model = new ThreeWayClassifier(seed: 8);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(train, new Adam(0.01f), new FitOptions { ClassWeights = new[] { 1f, 2f } }));
        Assert.Contains("options.ClassWeights: expected 3 weights (one per class) but got 2", e.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(train, new Adam(0.01f), new FitOptions { ClassWeights = new[] { 1f, -2f, 1f } }));
        Assert.Contains("options.ClassWeights[1]", negative.Message);
        Assert.Throws<ArgumentException>(() => model.Fit(train, new Adam(0.01f), new FitOptions { ClassWeights = new[] { 0f, 0f, 0f } }));
        Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(3, 3, Logits, Targets, default, new float[9], new float[9], new[] { 1f, 1f }));
    }
}
