using RnnGen.Data;
using RnnGen.Tests.Models;
using RnnGen.Training;

namespace RnnGen.Tests.Training;

/// <summary>
/// <see cref="FitOptions.Metrics"/>: each metric against values worked out by hand, reported per epoch to the history and
/// to callbacks, and monitored for early stopping and best weights.
/// </summary>
public sealed class FitMetricsTests
{
    private static readonly FitMetric[] Classification = { FitMetric.Accuracy, FitMetric.MacroF1, FitMetric.Precision, FitMetric.Recall };

    private static float[] OneHotish(int[] predicted, int classes)
    {
        var p = new float[predicted.Length * classes];
        for (int r = 0; r < predicted.Length; r++)
        {
            for (int k = 0; k < classes; k++) p[r * classes + k] = k == predicted[r] ? 0.7f : 0.3f / (classes - 1);
        }

        return p;
    }

    [Fact]
    public void Classification_metrics_of_cross_entropy_equal_the_hand_worked_confusion()
    {
        // targets 0 0 1 1 2 2, argmax 0 1 1 1 0 2; class 3 never occurs and is left out of the macro averages
        int[] actual = { 0, 0, 1, 1, 2, 2 }, predicted = { 0, 1, 1, 1, 0, 2 };
        var metrics = new FitMetricAccumulator(Classification.Append(FitMetric.Perplexity).Append(FitMetric.BitsPerCharacter).ToArray(), Loss.CrossEntropy, 4);
        float[] outputs = OneHotish(predicted, 4);
        metrics.Add(1.0f, new SequenceBatch { BatchSize = 4, TimeSteps = 1, ClassTargets = actual.AsSpan(0, 4) }, outputs.AsSpan(0, 16), perStep: false);
        metrics.Add(2.0f, new SequenceBatch { BatchSize = 2, TimeSteps = 1, ClassTargets = actual.AsSpan(4, 2) }, outputs.AsSpan(16, 8), perStep: false);

        // class 0: TP 1, predicted 2, actual 2 → P ½, R ½, F1 ½; class 1: TP 2, 3, 2 → P ⅔, R 1, F1 0.8; class 2: TP 1, 1, 2 → P 1, R ½, F1 ⅔
        Assert.Equal(4.0 / 6, metrics.Value(FitMetric.Accuracy), 12);
        Assert.Equal((0.5 + 2.0 / 3 + 1) / 3, metrics.Value(FitMetric.Precision), 12);
        Assert.Equal((0.5 + 1 + 0.5) / 3, metrics.Value(FitMetric.Recall), 12);
        Assert.Equal((0.5 + 0.8 + 2.0 / 3) / 3, metrics.Value(FitMetric.MacroF1), 12);
        Assert.Equal(Metrics.MacroF1(predicted, actual, 4), metrics.Value(FitMetric.MacroF1), 12);
        // the mean loss weighs batches by their rows: (4·1 + 2·2) / 6
        Assert.Equal(Math.Exp(8.0 / 6), metrics.Value(FitMetric.Perplexity), 12);
        Assert.Equal(8.0 / 6 / Math.Log(2), metrics.Value(FitMetric.BitsPerCharacter), 12);

        metrics.Reset();
        Assert.Equal(0, metrics.Value(FitMetric.Accuracy));
        Assert.Equal(1, metrics.Value(FitMetric.Perplexity));
    }

    [Fact]
    public void Padded_steps_do_not_count()
    {
        // two sequences of 3 steps, lengths 3 and 1: rows 4 and 5 are padding (their "targets" −1 are never read)
        int[] targets = { 0, 1, 1, 2, -1, -1 }, predicted = { 0, 1, 0, 2, 1, 1 };
        var metrics = new FitMetricAccumulator(new[] { FitMetric.Accuracy, FitMetric.Recall }, Loss.CrossEntropy, 3);
        metrics.Add(0.5f, new SequenceBatch { BatchSize = 2, TimeSteps = 3, ClassTargets = targets, Lengths = new[] { 3, 1 } }, OneHotish(predicted, 3), perStep: true);
        Assert.Equal(3.0 / 4, metrics.Value(FitMetric.Accuracy), 12);
        Assert.Equal((1 + 0.5 + 1) / 3, metrics.Value(FitMetric.Recall), 12);
    }

    [Fact]
    public void Binary_metrics_are_those_of_the_positive_class_and_errors_of_the_probabilities()
    {
        float[] outputs = { 0.9f, 0.2f, 0.7f, 0.4f, 0.6f }, targets = { 1, 0, 0, 1, 1 };
        var metrics = new FitMetricAccumulator(Classification.Append(FitMetric.Rmse).Append(FitMetric.Mae).ToArray(), Loss.BinaryCrossEntropy, 1);
        metrics.Add(0.3f, new SequenceBatch { BatchSize = 5, TimeSteps = 1, Targets = targets }, outputs, perStep: false);

        // predicted 1 0 1 0 1: TP 2 (rows 0, 4), predicted positive 3, actual positive 3
        Assert.Equal(3.0 / 5, metrics.Value(FitMetric.Accuracy), 12);
        Assert.Equal(2.0 / 3, metrics.Value(FitMetric.Precision), 12);
        Assert.Equal(2.0 / 3, metrics.Value(FitMetric.Recall), 12);
        Assert.Equal(2.0 / 3, metrics.Value(FitMetric.MacroF1), 12);
        // errors 0.1 0.2 0.7 0.6 0.4
        Assert.Equal(Math.Sqrt((0.01 + 0.04 + 0.49 + 0.36 + 0.16) / 5), metrics.Value(FitMetric.Rmse), 6);
        Assert.Equal(0.4, metrics.Value(FitMetric.Mae), 6);
    }

    [Fact]
    public void Regression_errors_equal_the_plain_functions()
    {
        float[] outputs = { 1.5f, -2f, 0.25f, 4f }, targets = { 1f, 0f, 0.5f, 3f };
        var metrics = new FitMetricAccumulator(new[] { FitMetric.Rmse, FitMetric.Mae }, Loss.MeanSquaredError, 2);
        metrics.Add(0, new SequenceBatch { BatchSize = 2, TimeSteps = 1, Targets = targets }, outputs, perStep: false);
        Assert.Equal(Math.Sqrt((0.25 + 4 + 0.0625 + 1) / 4), metrics.Value(FitMetric.Rmse), 12);
        Assert.Equal((0.5 + 2 + 0.25 + 1) / 4, metrics.Value(FitMetric.Mae), 12);
        Assert.Equal(Metrics.RootMeanSquaredError(outputs, targets), metrics.Value(FitMetric.Rmse), 12);
    }

    [Fact]
    public void A_metric_that_does_not_fit_the_loss_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new Forecaster().Fit(Series(), new Adam(0.01f), new FitOptions { Metrics = new[] { FitMetric.Rmse, FitMetric.Accuracy } }));
        Assert.Contains("options.Metrics[1]", e.Message);
        Assert.Contains("Rmse, Mae", e.Message);
        Assert.Contains("Accuracy", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Forecaster().Fit(Series(), new Adam(0.01f), new FitOptions { Metrics = new[] { FitMetric.Mae, FitMetric.Mae } }));
        Assert.Contains("options.Metrics[1]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Forecaster().Fit(Series(), new Adam(0.01f), new FitOptions { Metrics = new[] { FitMetric.Mae }, MonitorMetric = FitMetric.Rmse }));
        Assert.Contains("options.MonitorMetric", e.Message);
        Assert.Throws<ArgumentException>(() => new FitMetricAccumulator(new[] { FitMetric.Perplexity }, Loss.BinaryCrossEntropy, 1));
    }

    [Fact]
    public void Fit_reports_the_metrics_every_epoch_to_the_history_and_the_callbacks()
    {
        (SequenceDataSet train, SequenceDataSet validation) = Classes(seed: 1);
        var seen = new Seen();
        var model = new ThreeWayClassifier(seed: 2);
        FitMetric[] asked = Classification.Append(FitMetric.Perplexity).Append(FitMetric.BitsPerCharacter).ToArray();
        TrainingHistory history = model.Fit(train, new Adam(0.02f), new FitOptions
        {
            Epochs = 4, BatchSize = 16, Metrics = asked, ValidationData = validation, Callbacks = new[] { seen },
        });

        Assert.Equal(4, seen.Results.Count);
        foreach (EpochResult e in history.Epochs)
        {
            Assert.Same(e, seen.Results[e.Epoch - 1]);
            Assert.Equal(asked, e.Metrics.Keys.Order());
            Assert.Equal(asked, e.ValidationMetrics.Keys.Order());
            Assert.Equal(e.Metric, e.Metrics[FitMetric.Accuracy], 12);                 // the built-in accuracy
            Assert.Equal(e.ValidationMetric!.Value, e.ValidationMetrics[FitMetric.Accuracy], 12);
            Assert.Equal(Math.Exp(e.ValidationLoss!.Value), e.ValidationMetrics[FitMetric.Perplexity], 9);
            Assert.Equal(e.ValidationLoss.Value / Math.Log(2), e.ValidationMetrics[FitMetric.BitsPerCharacter], 9);
            Assert.Equal(Math.Exp(e.Loss), e.Metrics[FitMetric.Perplexity], 9);
        }

        Assert.Equal(history.Epochs.Select(e => e.ValidationMetrics[FitMetric.MacroF1]), history.Of(FitMetric.MacroF1, validation: true));
        Assert.Throws<KeyNotFoundException>(() => history.Of(FitMetric.Rmse));

        // Evaluate's F1 is the plain function of the model's own predictions
        EvaluationResult evaluated = model.Evaluate(validation, new[] { FitMetric.MacroF1 });
        Assert.Equal(MacroF1ByHand(model, validation), evaluated.Metrics[FitMetric.MacroF1], 12);
        Assert.Equal(history.Epochs[^1].ValidationMetrics[FitMetric.MacroF1], evaluated.Metrics[FitMetric.MacroF1], 12);
    }

    [Fact]
    public void Early_stopping_and_best_weights_follow_the_monitored_metric()
    {
        (SequenceDataSet train, SequenceDataSet validation) = Classes(seed: 3);
        var model = new ThreeWayClassifier(seed: 4);
        TrainingHistory history = model.Fit(train, new Adam(0.05f), new FitOptions
        {
            Epochs = 30, BatchSize = 8, Metrics = new[] { FitMetric.MacroF1 }, MonitorMetric = FitMetric.MacroF1,
            ValidationData = validation, EarlyStoppingPatience = 3,
        });

        double[] f1 = history.Of(FitMetric.MacroF1, validation: true);
        int best = Array.IndexOf(f1, f1.Max()) + 1;    // the first epoch reaching the maximum: later equal values are no improvement
        Assert.Equal(best, history.BestEpoch);
        if (history.StopReason == StopReason.EarlyStopping) Assert.Equal(best + 3, history.Epochs.Count);
        Assert.Equal(f1.Max(), model.Evaluate(validation, new[] { FitMetric.MacroF1 }).Metrics[FitMetric.MacroF1], 12); // best weights restored

        // an error is minimised
        var forecaster = new Forecaster(seed: 1);
        TrainingHistory onRmse = forecaster.Fit(Series(), new Adam(0.01f), new FitOptions
        {
            Epochs = 6, BatchSize = 16, Metrics = new[] { FitMetric.Rmse }, MonitorMetric = FitMetric.Rmse, EarlyStoppingPatience = 10,
        });
        double[] rmse = onRmse.Of(FitMetric.Rmse);
        Assert.Equal(Array.IndexOf(rmse, rmse.Min()) + 1, onRmse.BestEpoch);
    }

    private sealed class Seen : TrainingCallback
    {
        public readonly List<EpochResult> Results = new();

        public override void OnEpochEnd(TrainingContext context, EpochResult result)
        {
            Assert.NotEmpty(result.Metrics);
            Results.Add(result);
        }
    }

    private static double MacroF1ByHand(ThreeWayClassifier model, SequenceDataSet data)
    {
        var buffers = new BatchBuffers();
        int[] all = Enumerable.Range(0, data.Count).ToArray();
        SequenceBatch batch = data.FillBatch(all, buffers);
        float[] p = new float[data.Count * 3];
        model.Predict(batch.Inputs, data.Count, data.TimeSteps, p);
        int[] predicted = Enumerable.Range(0, data.Count).Select(r => Array.IndexOf(p, p.AsSpan(r * 3, 3).ToArray().Max(), r * 3) - r * 3).ToArray();
        return Metrics.MacroF1(predicted, batch.ClassTargets.ToArray(), 3);
    }

    /// <summary>Sequences of 5 steps of 2 features; the class is which third the sum of the first feature falls in.</summary>
    internal static (SequenceDataSet Train, SequenceDataSet Validation) Classes(int seed, int count = 160)
    {
        (float[] inputs, double[] sums) = RandomSequences(seed, count);
        int[] classes = sums.Select(sum => sum < -0.8 ? 0 : sum < 0.8 ? 1 : 2).ToArray();
        return SequenceDataSet.FromFloats(inputs, count, 5, 2, classes).SplitTail(0.25);
    }

    /// <summary><paramref name="count"/> sequences <c>[count, 5, 2]</c>: the first feature uniform in (−1, 1), the second in
    /// (0, 1); with the sum of each sequence's first feature.</summary>
    internal static (float[] Inputs, double[] Sums) RandomSequences(int seed, int count)
    {
        var random = new Random(seed);
        float[] inputs = new float[count * 5 * 2];
        double[] sums = new double[count];
        for (int n = 0; n < count; n++)
        {
            for (int t = 0; t < 5; t++)
            {
                float x = (float)(random.NextDouble() * 2 - 1);
                inputs[(n * 5 + t) * 2] = x;
                inputs[(n * 5 + t) * 2 + 1] = (float)random.NextDouble();
                sums[n] += x;
            }
        }

        return (inputs, sums);
    }

    private static SequenceDataSet Series(int count = 64)
    {
        var random = new Random(9);
        float[] inputs = Enumerable.Range(0, count * 10).Select(_ => (float)random.NextDouble()).ToArray();
        float[] targets = Enumerable.Range(0, count).Select(i => inputs[i * 10 + 9]).ToArray();
        return SequenceDataSet.FromFloats(inputs, count, 10, 1, targets, 1);
    }
}
