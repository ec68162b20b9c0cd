namespace RnnGen.Training;

/// <summary>
/// The learning rate of each epoch, set on the optimizer before the epoch starts (<see cref="FitOptions.Schedule"/>). The
/// rate of epoch e (1-based) is <see cref="Rate"/>(e, base rate), the base being the optimizer's rate when Fit began.
/// Keras's <c>LearningRateScheduler</c> and PyTorch's <c>lr_scheduler</c> are the models.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The rate of 1-based <paramref name="epoch"/> for a base rate of <paramref name="baseRate"/>.</summary>
    public abstract float Rate(int epoch, float baseRate);

    /// <summary>After an epoch's validation: what a schedule that reacts to results (<see cref="ReduceOnPlateau"/>) needs to see.</summary>
    public virtual void Observe(EpochResult result)
    {
    }

    /// <summary>Multiplies the rate by <paramref name="factor"/> every <paramref name="stepEpochs"/> epochs (PyTorch's StepLR).</summary>
    public static LearningRateSchedule Step(int stepEpochs, float factor) => new StepDecay(stepEpochs, factor);

    /// <summary>Multiplies the rate by <paramref name="factor"/> every epoch (PyTorch's ExponentialLR).</summary>
    public static LearningRateSchedule Exponential(float factor) => new StepDecay(1, factor);

    /// <summary>
    /// Linear warm-up from base/warmup over the first <paramref name="warmupEpochs"/> epochs, then a half cosine from the
    /// base rate down to <paramref name="minimumRate"/> at epoch <paramref name="epochs"/>.
    /// </summary>
    public static LearningRateSchedule Cosine(int epochs, int warmupEpochs = 0, float minimumRate = 0) => new CosineDecay(epochs, warmupEpochs, minimumRate);

    /// <summary>
    /// Multiplies the rate by <paramref name="factor"/> when the validation loss (the training loss without validation
    /// data) has not improved for <paramref name="patience"/> epochs, never below <paramref name="minimumRate"/> (Keras's ReduceLROnPlateau).
    /// </summary>
    public static LearningRateSchedule ReduceOnPlateau(float factor = 0.1f, int patience = 10, float minimumRate = 0) => new ReduceOnPlateau(factor, patience, minimumRate);

    internal static void CheckPositive(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name}: expected at least 1 but got {value}.");
    }

    internal static void CheckFactor(float factor, string name)
    {
        if (!(factor > 0 && factor <= 1)) throw new ArgumentOutOfRangeException(name, factor, $"{name}: expected a factor in (0, 1] but got {factor}.");
    }
}

internal sealed class StepDecay : LearningRateSchedule
{
    private readonly int _step;
    private readonly float _factor;

    public StepDecay(int stepEpochs, float factor)
    {
        CheckPositive(stepEpochs, nameof(stepEpochs));
        CheckFactor(factor, nameof(factor));
        (_step, _factor) = (stepEpochs, factor);
    }

    public override float Rate(int epoch, float baseRate) => baseRate * MathF.Pow(_factor, (epoch - 1) / _step);
}

internal sealed class CosineDecay : LearningRateSchedule
{
    private readonly int _epochs, _warmup;
    private readonly float _minimum;

    public CosineDecay(int epochs, int warmupEpochs, float minimumRate)
    {
        CheckPositive(epochs, nameof(epochs));
        if (warmupEpochs < 0 || warmupEpochs >= epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, $"warmupEpochs: expected 0 … {epochs - 1} (below epochs) but got {warmupEpochs}.");
        }

        if (!(minimumRate >= 0)) throw new ArgumentOutOfRangeException(nameof(minimumRate), minimumRate, $"minimumRate: expected 0 or more but got {minimumRate}.");
        (_epochs, _warmup, _minimum) = (epochs, warmupEpochs, minimumRate);
    }

    public override float Rate(int epoch, float baseRate)
    {
        if (epoch <= _warmup) return baseRate * epoch / _warmup;
        double progress = Math.Min(1.0, (double)(epoch - 1 - _warmup) / Math.Max(1, _epochs - 1 - _warmup));
        return (float)(_minimum + (baseRate - _minimum) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}

internal sealed class ReduceOnPlateau : LearningRateSchedule
{
    private readonly float _factor, _minimum;
    private readonly int _patience;
    private double _best = double.PositiveInfinity;
    private int _since, _reductions;

    public ReduceOnPlateau(float factor, int patience, float minimumRate)
    {
        CheckFactor(factor, nameof(factor));
        CheckPositive(patience, nameof(patience));
        (_factor, _patience, _minimum) = (factor, patience, minimumRate);
    }

    public override float Rate(int epoch, float baseRate) => Math.Max(_minimum, baseRate * MathF.Pow(_factor, _reductions));

    public override void Observe(EpochResult result)
    {
        double loss = result.ValidationLoss ?? result.Loss;
        if (loss < _best)
        {
            (_best, _since) = (loss, 0);
        }
        else if (++_since >= _patience)
        {
            (_reductions, _since) = (_reductions + 1, 0);
        }
    }
}
