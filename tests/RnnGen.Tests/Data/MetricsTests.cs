using RnnGen.Data;

namespace RnnGen.Tests.Data;

public sealed class MetricsTests
{
    // actual    0 0 1 1 1 2
    // predicted 0 1 1 1 2 2
    // class 0: TP 1, FP 0, FN 1 → P 1, R ½, F1 ⅔; class 1: TP 2, FP 1, FN 1 → P ⅔, R ⅔, F1 ⅔;
    // class 2: TP 1, FP 1, FN 0 → P ½, R 1, F1 ⅔; class 3 absent from both → not averaged.
    private static readonly int[] Actual = { 0, 0, 1, 1, 1, 2 };
    private static readonly int[] Predicted = { 0, 1, 1, 1, 2, 2 };

    [Fact]
    public void Classification_metrics_match_hand_computed_values()
    {
        Assert.Equal(4.0 / 6, Metrics.Accuracy(Predicted, Actual), 12);
        (double[] precision, double[] recall) = Metrics.PrecisionRecall(Predicted, Actual, 4);
        double[] expectedPrecision = { 1, 2.0 / 3, 0.5, 0 }, expectedRecall = { 0.5, 2.0 / 3, 1, 0 };
        for (int c = 0; c < 4; c++)
        {
            Assert.Equal(expectedPrecision[c], precision[c], 12);
            Assert.Equal(expectedRecall[c], recall[c], 12);
        }
        Assert.Equal(2.0 / 3, Metrics.MacroF1(Predicted, Actual, 4), 12);
        // a class never predicted: actual 0 0 1, predicted 0 0 0 → F1₀ = 2·2/(3 + 2) = 0.8, F1₁ = 0 → macro 0.4
        Assert.Equal(0.4, Metrics.MacroF1(new[] { 0, 0, 0 }, new[] { 0, 0, 1 }, 2), 12);
    }

    [Fact]
    public void Regression_and_language_model_metrics_match_hand_computed_values()
    {
        float[] predicted = { 1, 2, 3, 4 }, actual = { 2, 2, 1, 4 };
        // errors −1, 0, 2, 0: RMSE √(5/4), MAE 3/4
        Assert.Equal(Math.Sqrt(1.25), Metrics.RootMeanSquaredError(predicted, actual), 12);
        Assert.Equal(0.75, Metrics.MeanAbsoluteError(predicted, actual), 12);
        Assert.Equal(2.0, Metrics.Perplexity(Math.Log(2)), 12);
        Assert.Equal(1.0, Metrics.BitsPerCharacter(Math.Log(2)), 12);
        Assert.Equal(3.0, Metrics.BitsPerCharacter(Math.Log(8)), 12);
    }

    [Fact]
    public void Bad_input_names_the_argument()
    {
        Assert.Equal("actual", Assert.Throws<ArgumentException>(() => Metrics.Accuracy(new[] { 1, 2 }, new[] { 1 })).ParamName);
        Assert.Equal("predicted", Assert.Throws<ArgumentException>(() => Metrics.RootMeanSquaredError(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty)).ParamName);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.MacroF1(new[] { 0, 5 }, new[] { 0, 1 }, 2));
        Assert.Equal("predicted", e.ParamName);
        Assert.Contains("got 5", e.Message);
        Assert.Equal("meanLossNats", Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Perplexity(-1)).ParamName);
    }
}
