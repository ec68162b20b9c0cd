namespace RnnGen.Training;

/// <summary>
/// Metrics <see cref="Trainer.Fit"/> can report per epoch and monitor (<see cref="FitOptions.Metrics"/>, Keras's
/// <c>metrics=[…]</c>). Classification metrics read the argmax class (cross-entropy) or the 0.5 threshold per unit (binary
/// cross-entropy); padded steps do not count.
/// </summary>
public enum FitMetric
{
    /// <summary>The fraction of predictions equal to the target (binary: per unit). Classification.</summary>
    Accuracy,

    /// <summary>
    /// F1 averaged without weights: over the classes that occur in targets or predictions (cross-entropy, scikit-learn's
    /// <c>f1_score(average="macro")</c>), or over the units, each the F1 of its positive class (binary cross-entropy).
    /// </summary>
    MacroF1,

    /// <summary>TP / (TP + FP), averaged as <see cref="MacroF1"/>; 0 where nothing was predicted positive.</summary>
    Precision,

    /// <summary>TP / (TP + FN), averaged as <see cref="MacroF1"/>; 0 where no target was positive.</summary>
    Recall,

    /// <summary>Root mean squared error of the outputs (after the sigmoid for binary cross-entropy). Float targets.</summary>
    Rmse,

    /// <summary>Mean absolute error of the outputs. Float targets.</summary>
    Mae,

    /// <summary>exp(mean cross-entropy in nats). Cross-entropy only.</summary>
    Perplexity,

    /// <summary>Mean cross-entropy / ln 2: bits per character (or token). Cross-entropy only.</summary>
    BitsPerCharacter,
}

/// <summary>Names, directions and applicability of <see cref="FitMetric"/>s.</summary>
public static class FitMetrics
{
    /// <summary>Keras's key of the metric in a history (prefix "val_" for validation).</summary>
    public static string NameOf(FitMetric metric) => metric switch
    {
        FitMetric.Accuracy => "accuracy",
        FitMetric.MacroF1 => "f1_score",
        FitMetric.Precision => "precision",
        FitMetric.Recall => "recall",
        FitMetric.Rmse => "root_mean_squared_error",
        FitMetric.Mae => "mae",
        FitMetric.Perplexity => "perplexity",
        FitMetric.BitsPerCharacter => "bits_per_character",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, $"metric: expected a FitMetric but got {(int)metric}."),
    };

    /// <summary>Whether larger values are better (accuracy, F1, precision, recall) or smaller (errors, perplexity, bits).</summary>
    public static bool HigherIsBetter(FitMetric metric) => metric is FitMetric.Accuracy or FitMetric.MacroF1 or FitMetric.Precision or FitMetric.Recall;

    /// <summary>Whether the metric is defined for a model with this loss.</summary>
    public static bool AppliesTo(FitMetric metric, Loss loss) => metric switch
    {
        FitMetric.Accuracy or FitMetric.MacroF1 or FitMetric.Precision or FitMetric.Recall => loss is Loss.CrossEntropy or Loss.BinaryCrossEntropy,
        FitMetric.Rmse or FitMetric.Mae => loss is Loss.MeanSquaredError or Loss.BinaryCrossEntropy,
        FitMetric.Perplexity or FitMetric.BitsPerCharacter => loss is Loss.CrossEntropy,
        _ => false,
    };

    /// <summary>Throws unless every metric in <paramref name="metrics"/> applies to <paramref name="loss"/> and none repeats.</summary>
    /// <exception cref="ArgumentException">A metric does not apply or is listed twice.</exception>
    public static void Check(IReadOnlyList<FitMetric> metrics, Loss loss, string name)
    {
        ArgumentNullException.ThrowIfNull(metrics, name);
        for (int i = 0; i < metrics.Count; i++)
        {
            if (!Enum.IsDefined(metrics[i]) || !AppliesTo(metrics[i], loss))
            {
                string expected = string.Join(", ", Enum.GetValues<FitMetric>().Where(m => AppliesTo(m, loss)));
                throw new ArgumentException($"{name}[{i}]: expected a metric of Loss.{loss} ({expected}) but got {metrics[i]}.", name);
            }

            for (int j = 0; j < i; j++)
            {
                if (metrics[j] == metrics[i]) throw new ArgumentException($"{name}[{i}]: expected each metric once but got {metrics[i]} again (also at {j}).", name);
            }
        }
    }
}

/// <summary>
/// Running sums behind <see cref="FitMetric"/>s over the batches of an epoch: confusion counts per class (or per unit),
/// squared and absolute errors, and the loss. Sized once for the model's outputs; adding a batch allocates nothing.
/// </summary>
public sealed class FitMetricAccumulator
{
    private readonly long[] _truePositives, _predicted, _actual;
    private long _correct, _decisions, _errors;
    private double _squared, _absolute, _lossSum, _lossWeight;

    /// <summary>An accumulator of <paramref name="metrics"/> for a model with <paramref name="loss"/> and <paramref name="outputSize"/> outputs.</summary>
    /// <exception cref="ArgumentException">A metric does not apply to the loss.</exception>
    public FitMetricAccumulator(IReadOnlyList<FitMetric> metrics, Loss loss, int outputSize)
    {
        FitMetrics.Check(metrics, loss, nameof(metrics));
        if (outputSize < 1) throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, $"outputSize: expected at least 1 but got {outputSize}.");
        Metrics = metrics.ToArray();
        Loss = loss;
        OutputSize = outputSize;
        _truePositives = new long[outputSize];
        _predicted = new long[outputSize];
        _actual = new long[outputSize];
    }

    /// <summary>The metrics reported, in order.</summary>
    public IReadOnlyList<FitMetric> Metrics { get; }

    /// <summary>The model's loss.</summary>
    public Loss Loss { get; }

    /// <summary>Outputs per row (classes for cross-entropy, units otherwise).</summary>
    public int OutputSize { get; }

    /// <summary>Clears the sums.</summary>
    public void Reset()
    {
        Array.Clear(_truePositives);
        Array.Clear(_predicted);
        Array.Clear(_actual);
        _correct = _decisions = _errors = 0;
        _squared = _absolute = _lossSum = _lossWeight = 0;
    }

    /// <summary>Adds a batch: its mean loss and the model's outputs (probabilities after softmax / sigmoid, predictions otherwise).</summary>
    public void Add(float batchLoss, in SequenceBatch batch, ReadOnlySpan<float> outputs, bool perStep)
    {
        int B = batch.BatchSize, T = batch.TimeSteps, K = OutputSize;
        int rows = perStep ? B * T : B;
        long counted = 0;
        for (int r = 0; r < rows; r++)
        {
            if (perStep && !batch.Lengths.IsEmpty && r % T >= batch.Lengths[r / T]) continue; // padded step
            counted++;
            ReadOnlySpan<float> y = outputs.Slice(r * K, K);
            if (Loss == Loss.CrossEntropy)
            {
                int best = 0;
                for (int k = 1; k < K; k++)
                {
                    if (y[k] > y[best]) best = k;
                }

                int target = batch.ClassTargets[r];
                AddDecision(best, target, best == target);
                continue;
            }

            for (int k = 0; k < K; k++)
            {
                float target = batch.Targets[r * K + k];
                double error = y[k] - (double)target;
                _squared += error * error;
                _absolute += Math.Abs(error);
                _errors++;
                if (Loss != Loss.BinaryCrossEntropy) continue;
                bool predicted = y[k] >= 0.5f, actual = target >= 0.5f;
                _decisions++;
                if (predicted == actual) _correct++;
                if (predicted) _predicted[k]++;
                if (actual) _actual[k]++;
                if (predicted && actual) _truePositives[k]++;
            }
        }

        _lossSum += (double)batchLoss * counted;
        _lossWeight += counted;
    }

    private void AddDecision(int predicted, int actual, bool correct)
    {
        _decisions++;
        _predicted[predicted]++;
        _actual[actual]++;
        if (correct)
        {
            _correct++;
            _truePositives[actual]++;
        }
    }

    /// <summary>The value of <paramref name="metric"/> over what was added since the last <see cref="Reset"/> (0 before any batch).</summary>
    public double Value(FitMetric metric)
    {
        double meanLoss = _lossWeight == 0 ? 0 : _lossSum / _lossWeight;
        return metric switch
        {
            FitMetric.Accuracy => _decisions == 0 ? 0 : (double)_correct / _decisions,
            FitMetric.MacroF1 => Average((tp, p, a) => p + a == 0 ? 0 : 2.0 * tp / (p + a)),
            FitMetric.Precision => Average((tp, p, a) => p == 0 ? 0 : (double)tp / p),
            FitMetric.Recall => Average((tp, p, a) => a == 0 ? 0 : (double)tp / a),
            FitMetric.Rmse => _errors == 0 ? 0 : Math.Sqrt(_squared / _errors),
            FitMetric.Mae => _errors == 0 ? 0 : _absolute / _errors,
            FitMetric.Perplexity => Math.Exp(meanLoss),
            FitMetric.BitsPerCharacter => meanLoss / Math.Log(2),
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, $"metric: expected a FitMetric but got {(int)metric}."),
        };
    }

    /// <summary>Every metric's value, keyed by metric (a new dictionary).</summary>
    public IReadOnlyDictionary<FitMetric, double> Values()
    {
        var values = new Dictionary<FitMetric, double>(Metrics.Count);
        foreach (FitMetric metric in Metrics) values[metric] = Value(metric);
        return values;
    }

    // Cross-entropy: the mean over classes that occur in targets or predictions; binary: the mean over units.
    private double Average(Func<long, long, long, double> score)
    {
        double sum = 0;
        int count = 0;
        for (int k = 0; k < OutputSize; k++)
        {
            if (Loss == Loss.CrossEntropy && _predicted[k] + _actual[k] == 0) continue;
            sum += score(_truePositives[k], _predicted[k], _actual[k]);
            count++;
        }

        return count == 0 ? 0 : sum / count;
    }
}
