using RnnGen.Data;
using RnnGen.Tests.Models;
using RnnGen.Training;

namespace RnnGen.Tests.Reliability;

/// <summary>Fit checks all of its data before the first update and stops on a non-finite step; bad options name themselves.</summary>
public sealed class FitValidationTests
{
    private const int N = 20, T = 4;

    private static int[] Tokens(int seed) => Enumerable.Range(0, N * T).Select(i => (i * 3 + seed) % 4).ToArray();

    private static int[] Labels => Enumerable.Range(0, N * T).Select(i => i % 4).ToArray();

    /// <summary>Fit must throw <typeparamref name="TException"/> whose message contains <paramref name="names"/>, with the parameters untouched.</summary>
    private static TException Refused<TException>(ITrainableModel model, Func<TrainingHistory> fit, params string[] names) where TException : Exception
    {
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<TException>(() => fit());
        foreach (string name in names) Assert.Contains(name, e.Message);
        Assert.Equal(before, model.Parameters.ToArray());
        return e;
    }

    private static FitOptions Options => new() { Epochs = 2, BatchSize = 4 };

    [Fact]
    public void A_bad_label_token_or_length_in_the_last_example_is_reported_before_any_update()
    {
        var model = new HelloModel(seed: 1);
        int[] labels = Labels;
        labels[N * T - 1] = 4;
        var e = Refused<ArgumentException>(model, () => model.Fit(SequenceDataSet.FromTokens(Tokens(0), N, T, labels, targetsPerStep: true), new Sgd(0.5f), Options),
            $"data[{N - 1}].ClassTargets[{T - 1}]: expected a class id in 0…3 but got 4");
        Assert.Equal("data", e.ParamName);

        int[] tokens = Tokens(1);
        tokens[N * T - 2] = 9;
        Refused<ArgumentException>(model, () => model.Fit(SequenceDataSet.FromTokens(tokens, N, T, Labels, targetsPerStep: true), new Sgd(0.5f), Options),
            $"data[{N - 1}].Tokens[{T - 2}]: expected a token id in 0…3 but got 9");

        foreach (int bad in new[] { 0, T + 1 })
        {
            int[] lengths = Enumerable.Repeat(T, N).ToArray();
            lengths[N - 1] = bad;
            Refused<ArgumentException>(model, () => model.Fit(SequenceDataSet.FromTokens(Tokens(2), N, T, Labels, lengths, targetsPerStep: true), new Sgd(0.5f), Options),
                $"data[{N - 1}].Lengths: expected a length in 1…{T} (the time steps) but got {bad}");
        }

        // a padded step's label is ignored by the loss, so it may be anything (a padding value)
        int[] padded = Labels, short_ = Enumerable.Repeat(T, N).ToArray();
        padded[N * T - 1] = -1;
        short_[N - 1] = T - 1;
        model.Fit(SequenceDataSet.FromTokens(Tokens(3), N, T, padded, short_, targetsPerStep: true), new Sgd(0.5f), new FitOptions { Epochs = 1 });
    }

    [Fact]
    public void Bad_validation_data_is_reported_before_the_first_epoch()
    {
        var model = new HelloModel(seed: 2);
        var training = SequenceDataSet.FromTokens(Tokens(0), N, T, Labels, targetsPerStep: true);
        int[] labels = Labels;
        labels[2 * T + 1] = 7;
        var validation = SequenceDataSet.FromTokens(Tokens(1), N, T, labels, targetsPerStep: true);
        Refused<ArgumentException>(model, () => model.Fit(training, new Sgd(0.5f), new FitOptions { Epochs = 2, BatchSize = 4, ValidationData = validation }),
            "options.ValidationData[2].ClassTargets[1]: expected a class id in 0…3 but got 7");

        // the held-out part of ValidationSplit is named as such
        labels = Labels;
        labels[N * T - 1] = 5;
        Refused<ArgumentException>(model, () => model.Fit(SequenceDataSet.FromTokens(Tokens(0), N, T, labels, targetsPerStep: true), new Sgd(0.5f), new FitOptions { Epochs = 2, BatchSize = 4, ValidationSplit = 0.25 }),
            $"the ValidationSplit part of data[{N / 4 - 1}].ClassTargets[{T - 1}]");
    }

    [Fact]
    public void Non_finite_features_and_binary_targets_outside_0_1_are_reported()
    {
        var forecaster = new Forecaster(seed: 3);
        float[] x = TestFloats.Uniform(N * T, 4), y = TestFloats.Uniform(N, 5);
        x[7 * T + 2] = float.NaN;
        Refused<ArgumentException>(forecaster, () => forecaster.Fit(SequenceDataSet.FromFloats(x, N, T, 1, y, 1), new Sgd(0.1f), Options),
            "data[7].Inputs[2, 0]: expected a finite feature but got NaN");
        float[] yInf = TestFloats.Uniform(N, 5);
        yInf[3] = float.PositiveInfinity;
        Refused<ArgumentException>(forecaster, () => forecaster.Fit(SequenceDataSet.FromFloats(TestFloats.Uniform(N * T, 4), N, T, 1, yInf, 1), new Sgd(0.1f), Options),
            "data[3].Targets[0]: expected a finite target but got ");

        // NaN in a padded step never reaches the model
        int[] lengths = Enumerable.Repeat(T, N).ToArray();
        lengths[7] = 2;
        forecaster.Fit(SequenceDataSet.FromFloats(x, N, T, 1, y, 1, lengths), new Sgd(0.1f), new FitOptions { Epochs = 1 });
        Assert.All(forecaster.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));

        var detector = new DropoutDetector(seed: 6);
        float[] signs = Enumerable.Range(0, N).Select(i => i % 2 == 0 ? 1f : -1f).ToArray();
        Refused<ArgumentException>(detector, () => detector.Fit(SequenceDataSet.FromFloats(TestFloats.Uniform(N * T * 2, 7), N, T, 2, signs, 1), new Sgd(0.1f), Options),
            "data[1].Targets[0]: expected a binary cross-entropy target in [0, 1] but got -1");
    }

    [Fact]
    public void A_non_finite_loss_stops_Fit_naming_epoch_and_batch_and_keeps_the_last_finite_weights()
    {
        var model = new Forecaster(seed: 7);
        float[] x = TestFloats.Uniform(N * T, 8), y = TestFloats.Uniform(N, 9).Select(v => v * 1e4f).ToArray();
        var data = SequenceDataSet.FromFloats(x, N, T, 1, y, 1);
        float[] last = model.Parameters.ToArray();
        var e = Assert.Throws<NotFiniteNumberException>(() => model.Fit(data, new Sgd(50f), new FitOptions
        {
            Epochs = 50,
            BatchSize = 4,
            OnBatchEnd = _ => last = model.Parameters.ToArray(),
        }));
        Assert.Matches(@"^Fit: the (loss|gradients) of epoch \d+, batch \d+ (is|are)", e.Message);
        Assert.All(model.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        Assert.Equal(last, model.Parameters.ToArray());
    }

    [Fact]
    public void Empty_data_bad_splits_and_a_bad_batch_size_name_the_argument_and_value()
    {
        var model = new Forecaster(seed: 10);
        var empty = SequenceDataSet.FromFloats(Array.Empty<float>(), 0, T, 1, Array.Empty<float>(), 1);
        var data = SequenceDataSet.FromFloats(TestFloats.Uniform(N * T, 11), N, T, 1, TestFloats.Uniform(N, 12), 1);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(empty, new Sgd()));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("data: expected at least one example but the data set is empty", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Evaluate(empty));
        Assert.Equal("data", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => model.Fit(data, new Sgd(), new FitOptions { ValidationData = empty }));
        Assert.Contains("options.ValidationData: expected at least one example", e.Message);

        foreach (double split in new[] { 1.0, -0.5, 1.5, double.NaN })
        {
            var range = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(data, new Sgd(), new FitOptions { ValidationSplit = split }));
            Assert.Equal("options", range.ParamName);
            Assert.Contains($"options.ValidationSplit: expected a fraction in [0, 1) but got {split}", range.Message);
        }

        var none = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(data, new Sgd(), new FitOptions { ValidationSplit = 0.01 }));
        Assert.Contains("leaves 20 to train on and 0 to validate on", none.Message);

        var batch = Assert.Throws<ArgumentOutOfRangeException>(() => model.Evaluate(data, -1));
        Assert.Equal("batchSize", batch.ParamName);
        Assert.Contains("batchSize: expected at least 1 but got -1", batch.Message);
    }
}
