using RnnGen.Data;

namespace RnnGen.Training;

/// <summary>How <see cref="Trainer.Fit"/> trains.</summary>
public sealed class FitOptions
{
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per mini-batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether the training examples are reshuffled every epoch (seeded by <see cref="Seed"/>).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffling: epoch e's order depends only on the seed and e, so a run resumed with
    /// <see cref="InitialEpoch"/> shuffles as the uninterrupted run would have.</summary>
    public int Seed { get; init; }

    /// <summary>Epochs already run (Keras's initial_epoch): training runs epochs InitialEpoch + 1 … <see cref="Epochs"/>.</summary>
    public int InitialEpoch { get; init; }

    /// <summary>The learning rate of each epoch (null: the optimizer's rate throughout).</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Callbacks that see every batch and epoch and can stop training.</summary>
    public IReadOnlyList<TrainingCallback> Callbacks { get; init; } = Array.Empty<TrainingCallback>();

    /// <summary>What early stopping and <see cref="RestoreBestWeights"/> watch (default: the validation loss).</summary>
    public Monitored Monitor { get; init; } = Monitored.ValidationLoss;

    /// <summary>Metrics reported every epoch in <see cref="EpochResult.Metrics"/> (and, with validation data,
    /// <see cref="EpochResult.ValidationMetrics"/>), Keras's <c>metrics=[…]</c>; each must apply to the model's loss.</summary>
    public IReadOnlyList<FitMetric> Metrics { get; init; } = Array.Empty<FitMetric>();

    /// <summary>A metric of <see cref="Metrics"/> that early stopping and <see cref="RestoreBestWeights"/> watch instead of
    /// <see cref="Monitor"/>: its validation value, or its training value without validation data (Keras's
    /// <c>monitor="val_f1_score"</c>). Maximised for accuracy, F1, precision and recall; minimised otherwise.</summary>
    public FitMetric? MonitorMetric { get; init; }

    /// <summary>Weights of the training loss by target class (Keras's <c>class_weight</c>): one per class for cross-entropy,
    /// [negative, positive] for binary cross-entropy; null: all 1. The loss is divided by the sum of the weights. Validation
    /// and Evaluate stay unweighted.</summary>
    public IReadOnlyList<float>? ClassWeights { get; init; }

    /// <summary>Where to write a <see cref="Checkpoint"/> after every epoch (null: none); resume with
    /// <see cref="Checkpoint.Load"/> and <see cref="InitialEpoch"/>.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Wall-clock budget: training stops after the batch in which it runs out (null: no budget).</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Keras's validation_split: the last fraction of the data (before shuffling) is held out for validation.</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Validation data given explicitly (takes precedence over <see cref="ValidationSplit"/>).</summary>
    public SequenceDataSet? ValidationData { get; init; }

    /// <summary>Stop when the <see cref="Monitor"/>ed quantity has not improved for this many epochs; null: never.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>With early stopping: put back the weights of the best epoch (by <see cref="Monitor"/>) at the end.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Called after every epoch.</summary>
    public Action<EpochResult>? OnEpochEnd { get; init; }

    /// <summary>Called after every batch (epoch, batch index, batches per epoch, running mean loss).</summary>
    public Action<BatchProgress>? OnBatchEnd { get; init; }

    /// <summary>Writes a Keras-like progress bar and an epoch summary line to the console.</summary>
    public bool ConsoleProgress { get; init; }

    /// <summary>
    /// Keras's <c>stateful=True</c> (PyTorch's carried, detached hidden state): batches are read in order, not shuffled,
    /// and each starts from the recurrent state the previous one ended in, with gradients stopping at the batch's first
    /// step (truncated BPTT). Example <c>k·BatchSize + b</c> must continue example <c>(k − 1)·BatchSize + b</c>, as
    /// <see cref="LaneWindows.ToDataSet"/> lays a token stream out with <see cref="BatchSize"/> = its lanes; the state is
    /// zero at the start of every epoch, and validation data is scored the same way (streaming).
    /// </summary>
    public bool Stateful { get; init; }
}

/// <summary>Progress inside an epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">1-based batch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean training loss so far this epoch.</param>
/// <param name="Metric">The metric so far this epoch.</param>
public readonly record struct BatchProgress(int Epoch, int Batch, int Batches, double Loss, double Metric);
