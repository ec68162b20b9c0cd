using System.Globalization;
using System.Text;
using RnnGen.Plotting;

namespace RnnGen.Training;

/// <summary>One epoch of training.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Loss">Mean training loss.</param>
/// <param name="Metric">Training metric.</param>
/// <param name="ValidationLoss">Validation loss, if there is validation data.</param>
/// <param name="ValidationMetric">Validation metric, if there is validation data.</param>
/// <param name="Duration">Wall-clock time of the epoch.</param>
public sealed record EpochResult(int Epoch, double Loss, double Metric, double? ValidationLoss, double? ValidationMetric, TimeSpan Duration)
{
    /// <summary>The training values of <see cref="FitOptions.Metrics"/>.</summary>
    public IReadOnlyDictionary<FitMetric, double> Metrics { get; init; } = EmptyMetrics;

    /// <summary>The validation values of <see cref="FitOptions.Metrics"/> (empty without validation data).</summary>
    public IReadOnlyDictionary<FitMetric, double> ValidationMetrics { get; init; } = EmptyMetrics;

    internal static readonly IReadOnlyDictionary<FitMetric, double> EmptyMetrics = new Dictionary<FitMetric, double>();
}

/// <summary>The result of evaluating a model on a data set.</summary>
/// <param name="Loss">Mean loss.</param>
/// <param name="Metric">The metric (<see cref="MetricName"/>).</param>
/// <param name="MetricName">accuracy, binary_accuracy or mae.</param>
/// <param name="Perplexity">exp(loss) (meaningful for cross-entropy).</param>
public sealed record EvaluationResult(double Loss, double Metric, string MetricName, double Perplexity)
{
    /// <summary>The metrics asked of Evaluate (empty when none were).</summary>
    public IReadOnlyDictionary<FitMetric, double> Metrics { get; init; } = EpochResult.EmptyMetrics;
}

/// <summary>Per-epoch losses and metrics of a <see cref="Trainer.Fit"/> run (Keras's History).</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochResult> _epochs = new();

    /// <summary>Creates an empty history.</summary>
    public TrainingHistory(string metricName) => MetricName = metricName;

    /// <summary>accuracy, binary_accuracy or mae.</summary>
    public string MetricName { get; }

    /// <summary>The epochs run.</summary>
    public IReadOnlyList<EpochResult> Epochs => _epochs;

    /// <summary>Whether early stopping ended the run.</summary>
    public bool StoppedEarly => StopReason == StopReason.EarlyStopping;

    /// <summary>Why the run ended.</summary>
    public StopReason StopReason { get; internal set; }

    /// <summary>The epoch whose weights the model holds at the end (the best one after early stopping with restore).</summary>
    public int BestEpoch { get; internal set; }

    internal void Add(EpochResult epoch) => _epochs.Add(epoch);

    /// <summary>One metric per epoch (Keras's <c>history.history["f1_score"]</c>, or "val_f1_score" with <paramref name="validation"/>).</summary>
    /// <exception cref="KeyNotFoundException">The metric was not in <see cref="FitOptions.Metrics"/> (or there was no validation data).</exception>
    public double[] Of(FitMetric metric, bool validation = false) => _epochs.Select(e =>
        (validation ? e.ValidationMetrics : e.Metrics).TryGetValue(metric, out double value)
            ? value
            : throw new KeyNotFoundException($"metric: expected one of FitOptions.Metrics{(validation ? " with validation data" : string.Empty)} but epoch {e.Epoch} has no {(validation ? "val_" : string.Empty)}{FitMetrics.NameOf(metric)}.")).ToArray();

    /// <summary>Writes two panels as an SVG file, as the Keras example plots a history: training and validation
    /// <see cref="MetricName"/>, and training and validation loss, per epoch.</summary>
    public void SavePlot(string path, string title)
    {
        double[] epochs = _epochs.Select(e => (double)e.Epoch).ToArray();
        var metric = new List<SvgSeries> { new("training", epochs, _epochs.Select(e => e.Metric).ToArray()) };
        var loss = new List<SvgSeries> { new("training", epochs, _epochs.Select(e => e.Loss).ToArray()) };
        if (_epochs.Count > 0 && _epochs[0].ValidationLoss is not null)
        {
            metric.Add(new SvgSeries("validation", epochs, _epochs.Select(e => e.ValidationMetric ?? double.NaN).ToArray()));
            loss.Add(new SvgSeries("validation", epochs, _epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray()));
        }

        SvgLineChart.SavePanels(path, title,
            new SvgPanel($"Training and validation {MetricName}", "epoch", MetricName, metric),
            new SvgPanel("Training and validation loss", "epoch", "loss", loss));
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"epoch  loss     {MetricName,-16} val_loss val_{MetricName}\n");
        foreach (EpochResult e in _epochs)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{e.Epoch,5}  {e.Loss,7:F4}  {e.Metric,-16:F4} {e.ValidationLoss,8:F4} {e.ValidationMetric:F4}\n");
        }

        return sb.ToString();
    }
}
