using RnnGen.Data;
using RnnGen.Training;

namespace RnnGen.Tests.Readme;

/// <summary>Review token ids → probability that the review is positive (the README's training example model).</summary>
[RnnModel(Loss = Loss.BinaryCrossEntropy)]
public partial class ReviewModel
{
    [Embedding(20, 8)] public partial EmbeddingLayer Words { get; }
    [Lstm(8)] public partial RecurrentLayer Reader { get; }
    [Dense(1, Activation.Sigmoid)] public partial DenseLayer Positive { get; }
}

// README ↓ callback
sealed class StopAtF1(double target) : TrainingCallback
{
    public override void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        if (result.ValidationMetrics[FitMetric.MacroF1] >= target) context.StopTraining = true;
    }
}
// README ↑

/// <summary>The README's "Training" code: the marked lines are the README block, verbatim (ReadmeTrainingTests checks).</summary>
internal static class ReadmeTrainingExample
{
    public static (TrainingHistory History, TrainingHistory? Resumed, EvaluationResult Test, ReviewModel Model) Run(
        SequenceDataSet trainSet, SequenceDataSet validationSet, SequenceDataSet testSet, string checkpoint)
    {
        TrainingHistory? resumed = null;
        // README ↓ body
        var model = new ReviewModel(seed: 42);
        var optimizer = new Adam(learningRate: 0.01f) { ClipNorm = 5 };
        var schedule = LearningRateSchedule.Cosine(epochs: 30, warmupEpochs: 2);   // linear warm-up, then a half cosine
        TrainingHistory history = model.Fit(trainSet, optimizer, new FitOptions
        {
            Epochs = 30, BatchSize = 32, Seed = 42, ValidationData = validationSet, Schedule = schedule,
            Metrics = new[] { FitMetric.Accuracy, FitMetric.MacroF1, FitMetric.Precision, FitMetric.Recall },
            MonitorMetric = FitMetric.MacroF1, EarlyStoppingPatience = 4,   // stop when val F1 stalls, keep its best weights
            ClassWeights = new[] { 1f, 3f },                                // a positive example weighs three negatives
            Callbacks = new[] { new StopAtF1(0.99) },
            CheckpointPath = checkpoint,                                    // after every whole epoch, atomically
            TimeBudget = TimeSpan.FromMinutes(5),
        });
        double[] f1 = history.Of(FitMetric.MacroF1, validation: true);     // Keras's history.history["val_f1_score"]
        Console.WriteLine($"{history.Epochs.Count} epochs, best {history.BestEpoch} (val F1 {f1.Max():F3}), ended by {history.StopReason}");
        EvaluationResult test = model.Evaluate(testSet, new[] { FitMetric.MacroF1, FitMetric.Recall });

        // after a crash: the checkpoint holds weights, optimizer state and epoch; run the epochs that are left
        var restarted = new ReviewModel(seed: 42);
        var restartedOptimizer = new Adam(learningRate: 0.01f) { ClipNorm = 5 };
        CheckpointInfo done = Checkpoint.Load(checkpoint, restarted, restartedOptimizer);
        if (done.Epoch < 30)
        {
            resumed = restarted.Fit(trainSet, restartedOptimizer, new FitOptions
            {
                Epochs = 30, InitialEpoch = done.Epoch, BatchSize = 32, Seed = 42, Schedule = schedule, CheckpointPath = checkpoint,
            });
        }
        // README ↑
        return (history, resumed, test, model);
    }
}
