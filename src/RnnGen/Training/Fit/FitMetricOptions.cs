namespace RnnGen.Training;

public static partial class Trainer
{
    /// <summary>Checks <see cref="FitOptions.Metrics"/>, <see cref="FitOptions.MonitorMetric"/> and <see cref="FitOptions.ClassWeights"/>
    /// against the model; returns the class weights as the batches carry them (null: none).</summary>
    private static float[]? CheckMetricOptions(ITrainableModel model, FitOptions options)
    {
        FitMetrics.Check(options.Metrics, model.Loss, "options.Metrics");
        if (options.MonitorMetric is { } monitored && !options.Metrics.Contains(monitored))
        {
            throw new ArgumentException($"options.MonitorMetric: expected one of options.Metrics ({string.Join(", ", options.Metrics)}) but got {monitored}.", nameof(options));
        }

        if (options.ClassWeights is not { } weights) return null;
        int expected = model.Loss switch
        {
            Loss.CrossEntropy => model.ModelOutputSize,
            Loss.BinaryCrossEntropy => 2,
            _ => throw new ArgumentException($"options.ClassWeights: expected none for Loss.{model.Loss} (it has no classes) but got {weights.Count}.", nameof(options)),
        };
        if (weights.Count != expected)
        {
            string what = model.Loss == Loss.CrossEntropy ? "one per class" : "[negative, positive]";
            throw new ArgumentException($"options.ClassWeights: expected {expected} weights ({what}) but got {weights.Count}.", nameof(options));
        }

        for (int i = 0; i < weights.Count; i++)
        {
            if (!(weights[i] >= 0 && float.IsFinite(weights[i])))
            {
                throw new ArgumentOutOfRangeException(nameof(options), weights[i], $"options.ClassWeights[{i}]: expected a finite weight of at least 0 but got {weights[i]}.");
            }
        }

        if (weights.All(w => w == 0)) throw new ArgumentException("options.ClassWeights: expected at least one weight above 0 but got all 0.", nameof(options));
        return weights.ToArray();
    }
}
