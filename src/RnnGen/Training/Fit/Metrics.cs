namespace RnnGen.Training;

/// <summary>
/// Running loss and metric over batches: accuracy (argmax) for cross-entropy, binary accuracy (0.5 threshold) for
/// binary cross-entropy, mean absolute error for squared error. Padded steps do not count.
/// </summary>
public sealed class MetricAccumulator
{
    private double _lossSum, _lossWeight, _metricSum, _metricCount;

    /// <summary>Creates an accumulator for a model with this loss.</summary>
    public MetricAccumulator(Loss loss) => Loss = loss;

    /// <summary>The model's loss.</summary>
    public Loss Loss { get; }

    /// <summary>Keras's name of the metric: accuracy, binary_accuracy or mae.</summary>
    public string MetricName => NameOf(Loss);

    /// <summary>The metric name for a loss.</summary>
    public static string NameOf(Loss loss) => loss switch
    {
        Loss.CrossEntropy => "accuracy",
        Loss.BinaryCrossEntropy => "binary_accuracy",
        _ => "mae",
    };

    /// <summary>Mean loss so far.</summary>
    public double MeanLoss => _lossWeight == 0 ? 0 : _lossSum / _lossWeight;

    /// <summary>The metric so far.</summary>
    public double Metric => _metricCount == 0 ? 0 : _metricSum / _metricCount;

    /// <summary>exp(mean loss): the perplexity of a cross-entropy model.</summary>
    public double Perplexity => Math.Exp(MeanLoss);

    /// <summary>Clears the sums.</summary>
    public void Reset() => _lossSum = _lossWeight = _metricSum = _metricCount = 0;

    /// <summary>Adds a batch: its mean loss, the model outputs (probabilities / predictions) and the targets.</summary>
    public void Add(float batchLoss, in SequenceBatch batch, ReadOnlySpan<float> outputs, int outputSize, bool perStep)
    {
        int B = batch.BatchSize, T = batch.TimeSteps;
        int rows = perStep ? B * T : B;
        double weight = 0;
        for (int r = 0; r < rows; r++)
        {
            if (perStep && !batch.Lengths.IsEmpty && r % T >= batch.Lengths[r / T])
            {
                continue; // padded step
            }

            weight++;
            ReadOnlySpan<float> y = outputs.Slice(r * outputSize, outputSize);
            switch (Loss)
            {
                case Loss.CrossEntropy:
                    int best = 0;
                    for (int k = 1; k < outputSize; k++)
                    {
                        if (y[k] > y[best]) best = k;
                    }

                    _metricSum += best == batch.ClassTargets[r] ? 1 : 0;
                    _metricCount++;
                    break;
                case Loss.BinaryCrossEntropy:
                    for (int k = 0; k < outputSize; k++)
                    {
                        _metricSum += (y[k] >= 0.5f) == (batch.Targets[r * outputSize + k] >= 0.5f) ? 1 : 0;
                        _metricCount++;
                    }

                    break;
                default:
                    for (int k = 0; k < outputSize; k++)
                    {
                        _metricSum += Math.Abs(y[k] - batch.Targets[r * outputSize + k]);
                        _metricCount++;
                    }

                    break;
            }
        }

        _lossSum += batchLoss * weight;
        _lossWeight += weight;
    }
}
