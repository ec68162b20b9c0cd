using RnnGen.Data;
using RnnGen.Tests.Models;
using RnnGen.Training;

namespace RnnGen.Tests.Training;

/// <summary>
/// What a user steers <see cref="Trainer.Fit"/> with: learning-rate schedules (against their closed forms), callbacks
/// that see every epoch and can stop, the monitored quantity, a wall-time budget, and resuming with InitialEpoch.
/// </summary>
public sealed class FitSteeringTests
{
    private static SequenceDataSet Regression(int count = 64, int seed = 9)
    {
        var random = new Random(seed);
        float[] inputs = Enumerable.Range(0, count * 10).Select(_ => (float)random.NextDouble()).ToArray();
        float[] targets = Enumerable.Range(0, count).Select(i => inputs[i * 10 + 9]).ToArray();
        return SequenceDataSet.FromFloats(inputs, count, 10, 1, targets, 1);
    }

    private sealed class Recorder : TrainingCallback
    {
        public readonly List<float> Rates = new();
        public readonly List<int> Epochs = new();
        public int StopAfterEpoch = int.MaxValue, StopAfterBatch = int.MaxValue, Batches;

        public override void OnEpochBegin(TrainingContext context) => Rates.Add(context.Optimizer.LearningRate);

        public override void OnBatchEnd(TrainingContext context, BatchProgress progress)
        {
            if (++Batches >= StopAfterBatch) context.StopTraining = true;
        }

        public override void OnEpochEnd(TrainingContext context, EpochResult result)
        {
            Epochs.Add(result.Epoch);
            Assert.Equal(result.Epoch, context.Epoch);
            Assert.Same(result, context.History.Epochs[^1]);
            if (result.Epoch >= StopAfterEpoch) context.StopTraining = true;
        }
    }

    [Fact]
    public void Step_exponential_and_cosine_schedules_follow_their_closed_forms()
    {
        const float b = 0.1f;
        LearningRateSchedule step = LearningRateSchedule.Step(2, 0.5f), exp = LearningRateSchedule.Exponential(0.9f);
        LearningRateSchedule cosine = LearningRateSchedule.Cosine(epochs: 10, warmupEpochs: 2, minimumRate: 0.01f);
        for (int e = 1; e <= 10; e++)
        {
            Assert.Equal(b * Math.Pow(0.5, (e - 1) / 2), step.Rate(e, b), 6);
            Assert.Equal(b * Math.Pow(0.9, e - 1), exp.Rate(e, b), 6);
            double expected = e <= 2 ? b * e / 2.0 : 0.01 + (b - 0.01) * 0.5 * (1 + Math.Cos(Math.PI * (e - 3) / 7.0));
            Assert.Equal(expected, cosine.Rate(e, b), 6);
        }

        Assert.Equal(0.01f, cosine.Rate(10, b), 6); // the last epoch reaches the floor
        Assert.Equal(b, cosine.Rate(3, b), 6);      // the first after warm-up is the base
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(0, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Exponential(1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(5, warmupEpochs: 5));
    }

    [Fact]
    public void Reduce_on_plateau_cuts_the_rate_after_patience_epochs_without_improvement()
    {
        LearningRateSchedule plateau = LearningRateSchedule.ReduceOnPlateau(factor: 0.5f, patience: 2, minimumRate: 0.02f);
        double[] losses = { 1.0, 0.9, 0.95, 0.91, 0.8, 0.85, 0.86, 0.87, 0.88, 0.89 };
        var rates = new List<float>();
        for (int e = 1; e <= losses.Length; e++)
        {
            rates.Add(plateau.Rate(e, 0.1f));
            plateau.Observe(new EpochResult(e, losses[e - 1], 0, null, null, TimeSpan.Zero));
        }

        // no improvement after epochs 3 and 4 → halved from epoch 5; after 6, 7 → halved again from 8; then the floor
        Assert.Equal(new[] { 0.1f, 0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.025f, 0.025f, 0.02f }, rates);
    }

    [Fact]
    public void Fit_sets_the_scheduled_rate_before_each_epoch()
    {
        var recorder = new Recorder();
        var optimizer = new Adam(0.01f);
        new Forecaster(seed: 1).Fit(Regression(), optimizer, new FitOptions
        {
            Epochs = 4, BatchSize = 16, Schedule = LearningRateSchedule.Step(1, 0.5f), Callbacks = new[] { recorder },
        });
        Assert.Equal(new[] { 0.01f, 0.005f, 0.0025f, 0.00125f }, recorder.Rates);
    }

    [Fact]
    public void A_callback_stops_training_after_an_epoch_or_a_batch()
    {
        var afterEpoch = new Recorder { StopAfterEpoch = 2 };
        TrainingHistory history = new Forecaster(seed: 1).Fit(Regression(), new Adam(0.01f), new FitOptions { Epochs = 10, BatchSize = 16, Callbacks = new[] { afterEpoch } });
        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal(StopReason.Callback, history.StopReason);
        Assert.Equal(new[] { 1, 2 }, afterEpoch.Epochs);

        var afterBatch = new Recorder { StopAfterBatch = 3 };
        var optimizer = new Adam(0.01f);
        history = new Forecaster(seed: 1).Fit(Regression(), optimizer, new FitOptions { Epochs = 10, BatchSize = 16, Callbacks = new[] { afterBatch } });
        Assert.Single(history.Epochs);
        Assert.Equal(3, optimizer.Steps); // 4 batches per epoch; it stopped after the third
        Assert.Equal(StopReason.Callback, history.StopReason);
    }

    [Fact]
    public void A_time_budget_ends_the_run_after_the_batch_that_spends_it()
    {
        var optimizer = new Adam(0.01f);
        TrainingHistory history = new Forecaster(seed: 1).Fit(Regression(), optimizer,
            new FitOptions { Epochs = 1000, BatchSize = 16, TimeBudget = TimeSpan.FromTicks(1) });
        Assert.Equal(StopReason.TimeBudget, history.StopReason);
        Assert.Single(history.Epochs);
        Assert.Equal(1, optimizer.Steps);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Forecaster().Fit(Regression(), new Adam(0.01f), new FitOptions { TimeBudget = TimeSpan.Zero }));
    }

    [Fact]
    public void A_run_resumed_with_InitialEpoch_ends_bitwise_equal_to_an_uninterrupted_one()
    {
        SequenceDataSet data = Regression();
        var whole = new Forecaster(seed: 3);
        var wholeOptimizer = new RmsProp(0.01f);
        whole.Fit(data, wholeOptimizer, new FitOptions { Epochs = 4, BatchSize = 8, Seed = 5 });

        var resumed = new Forecaster(seed: 3);
        var optimizer = new RmsProp(0.01f);
        resumed.Fit(data, optimizer, new FitOptions { Epochs = 1, BatchSize = 8, Seed = 5 });
        float[] afterOne = resumed.Parameters.ToArray();
        resumed.Fit(data, optimizer, new FitOptions { Epochs = 2, InitialEpoch = 1, BatchSize = 8, Seed = 5 });
        resumed.Fit(data, optimizer, new FitOptions { Epochs = 4, InitialEpoch = 2, BatchSize = 8, Seed = 5 });
        Assert.Equal(whole.Parameters.ToArray(), resumed.Parameters.ToArray());

        // and the resumed epochs did not repeat epoch 1's order: restarting from epoch 0 each time gives other weights
        var repeated = new Forecaster(seed: 3);
        var repeatedOptimizer = new RmsProp(0.01f);
        for (int i = 0; i < 4; i++) repeated.Fit(data, repeatedOptimizer, new FitOptions { Epochs = 1, BatchSize = 8, Seed = 5 });
        Assert.NotEqual(whole.Parameters.ToArray(), repeated.Parameters.ToArray());
        Assert.NotEqual(afterOne, resumed.Parameters.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => resumed.Fit(data, optimizer, new FitOptions { Epochs = 2, InitialEpoch = 2 }));
    }

    [Fact]
    public void Early_stopping_can_watch_the_metric_instead_of_the_loss()
    {
        // "hell" → "ello": training accuracy reaches 1 long before the loss stops falling
        var data = SequenceDataSet.FromTokens(new[] { 0, 1, 2, 2 }, 1, 4, new[] { 1, 2, 2, 3 }, targetsPerStep: true);
        TrainingHistory onMetric = new HelloModel(seed: 0).Fit(data, new Adam(0.05f),
            new FitOptions { Epochs = 200, BatchSize = 1, EarlyStoppingPatience = 3, Monitor = Monitored.Metric });
        Assert.Equal(StopReason.EarlyStopping, onMetric.StopReason);
        int first = onMetric.Epochs.First(e => e.Metric == 1.0).Epoch;
        Assert.Equal(first, onMetric.BestEpoch); // accuracy is maximised: later epochs at 1.0 are no improvement
        Assert.Equal(first + 3, onMetric.Epochs.Count);

        TrainingHistory onLoss = new HelloModel(seed: 0).Fit(data, new Adam(0.05f),
            new FitOptions { Epochs = first + 3, BatchSize = 1, EarlyStoppingPatience = 3, Monitor = Monitored.Loss });
        Assert.Equal(StopReason.Completed, onLoss.StopReason); // the loss kept improving
        Assert.Equal(first + 3, onLoss.BestEpoch);
    }
}

/// <summary>Checkpoints: an interrupted run resumed from its checkpoint ends bitwise equal to the uninterrupted one.</summary>
public sealed class CheckpointTests
{
    private static SequenceDataSet Data()
    {
        var random = new Random(4);
        float[] inputs = Enumerable.Range(0, 48 * 10).Select(_ => (float)random.NextDouble()).ToArray();
        float[] targets = Enumerable.Range(0, 48).Select(i => inputs[i * 10 + 9]).ToArray();
        return SequenceDataSet.FromFloats(inputs, 48, 10, 1, targets, 1);
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("rmsprop")]
    [InlineData("sgd")]
    public void A_run_interrupted_after_two_epochs_and_resumed_from_its_checkpoint_ends_bitwise_equal(string kind)
    {
        Optimizer Make() => kind switch
        {
            "adam" => new Adam(0.01f),
            "rmsprop" => new RmsProp(0.01f),
            _ => new Sgd(0.05f, momentum: 0.9f),
        };
        string directory = Directory.CreateTempSubdirectory("rnngen-checkpoint").FullName;
        try
        {
            string path = Path.Combine(directory, "run.safetensors");
            var schedule = LearningRateSchedule.Step(2, 0.5f);
            var whole = new Forecaster(seed: 2);
            whole.Fit(Data(), Make(), new FitOptions { Epochs = 5, BatchSize = 8, Seed = 3, Schedule = schedule });

            // the first process: two epochs, a checkpoint after each, then it "dies"
            var first = new Forecaster(seed: 2);
            first.Fit(Data(), Make(), new FitOptions { Epochs = 5, BatchSize = 8, Seed = 3, Schedule = schedule, CheckpointPath = path, Callbacks = new[] { new StopAfter(2) } });

            // the second process: a fresh model and optimizer, restored, then the remaining epochs
            var resumed = new Forecaster(seed: 99);
            Optimizer optimizer = Make();
            CheckpointInfo info = Checkpoint.Load(path, resumed, optimizer);
            Assert.Equal(2, info.Epoch);
            Assert.Equal(12, info.Steps); // 6 batches per epoch
            Assert.Equal(first.Parameters.ToArray(), resumed.Parameters.ToArray());
            resumed.Fit(Data(), optimizer, new FitOptions { Epochs = 5, InitialEpoch = info.Epoch, BatchSize = 8, Seed = 3, Schedule = schedule });
            Assert.Equal(whole.Parameters.ToArray(), resumed.Parameters.ToArray());
            Assert.Empty(Directory.GetFiles(directory, "*.tmp")); // written atomically, nothing left beside it
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_checkpoint_that_does_not_fit_changes_nothing_and_says_why()
    {
        string directory = Directory.CreateTempSubdirectory("rnngen-checkpoint").FullName;
        try
        {
            string path = Path.Combine(directory, "run.safetensors");
            var model = new Forecaster(seed: 1);
            model.Fit(Data(), new Adam(0.01f), new FitOptions { Epochs = 1, BatchSize = 8, CheckpointPath = path });

            var other = new StreamModel(seed: 5); // another parameter count
            float[] before = other.Parameters.ToArray();
            var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, other, new Adam(0.01f)));
            Assert.Contains("'parameters'", error.Message);
            Assert.Equal(before, other.Parameters.ToArray());

            var wrongKind = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, new Forecaster(seed: 1), new RmsProp(0.01f)));
            Assert.Contains("Adam", wrongKind.Message);
            Assert.Contains("RmsProp", wrongKind.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class StopAfter(int epochs) : TrainingCallback
    {
        public override void OnEpochEnd(TrainingContext context, EpochResult result)
        {
            if (result.Epoch == epochs) context.StopTraining = true;
        }
    }
}
