namespace RnnGen.Training;

/// <summary>
/// Hooks into <see cref="Trainer.Fit"/> that see the results and can end training (Keras's <c>Callback</c>): derive and
/// override what you need, then list the callback in <see cref="FitOptions.Callbacks"/>.
/// </summary>
public abstract class TrainingCallback
{
    /// <summary>Before an epoch's first batch.</summary>
    public virtual void OnEpochBegin(TrainingContext context)
    {
    }

    /// <summary>After an epoch's validation; set <see cref="TrainingContext.StopTraining"/> to end the run here.</summary>
    public virtual void OnEpochEnd(TrainingContext context, EpochResult result)
    {
    }

    /// <summary>After every batch; set <see cref="TrainingContext.StopTraining"/> to end the run after this batch.</summary>
    public virtual void OnBatchEnd(TrainingContext context, BatchProgress progress)
    {
    }
}

/// <summary>What a <see cref="TrainingCallback"/> sees of a running <see cref="Trainer.Fit"/>.</summary>
public sealed class TrainingContext
{
    internal TrainingContext(Optimizer optimizer, TrainingHistory history)
    {
        Optimizer = optimizer;
        History = history;
    }

    /// <summary>The optimizer (its <see cref="Optimizer.LearningRate"/> may be changed between batches).</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The epochs finished so far.</summary>
    public TrainingHistory History { get; }

    /// <summary>The 1-based epoch running now.</summary>
    public int Epoch { get; internal set; }

    /// <summary>Set to end training after the current batch (or, from <see cref="TrainingCallback.OnEpochEnd"/>, after this epoch).</summary>
    public bool StopTraining { get; set; }
}

/// <summary>What early stopping and best-weight restoring watch (<see cref="FitOptions.Monitor"/>). Losses are minimised; accuracy metrics maximised, mae minimised.</summary>
public enum Monitored
{
    /// <summary>The validation loss, or the training loss where there is no validation data (the default).</summary>
    ValidationLoss,

    /// <summary>The validation metric (accuracy, binary_accuracy or mae), or the training metric without validation data.</summary>
    ValidationMetric,

    /// <summary>The training loss.</summary>
    Loss,

    /// <summary>The training metric.</summary>
    Metric,
}

/// <summary>Why a <see cref="Trainer.Fit"/> run ended (<see cref="TrainingHistory.StopReason"/>).</summary>
public enum StopReason
{
    /// <summary>Every epoch ran.</summary>
    Completed,

    /// <summary>The monitored quantity stopped improving (<see cref="FitOptions.EarlyStoppingPatience"/>).</summary>
    EarlyStopping,

    /// <summary>A callback set <see cref="TrainingContext.StopTraining"/>.</summary>
    Callback,

    /// <summary>The wall-time budget (<see cref="FitOptions.TimeBudget"/>) ran out.</summary>
    TimeBudget,
}
