namespace RnnGen.Data;

/// <summary>
/// A per-feature affine scaling <c>z = (x − Offset) / Scale</c> fitted on training data only; the same map then
/// transforms validation and test data, and <see cref="InverseTransform"/> turns a model's scaled outputs back.
/// Values are laid out row-major with <see cref="FeatureSize"/> features per row.
/// </summary>
public abstract class FeatureScaler
{
    private protected FeatureScaler(double[] offset, double[] scale)
    {
        Offset = offset;
        Scale = scale;
    }

    /// <summary>Features per row.</summary>
    public int FeatureSize => Offset.Count;

    /// <summary>Per-feature offset subtracted before dividing.</summary>
    public IReadOnlyList<double> Offset { get; }

    /// <summary>Per-feature divisor (never 0: a constant feature gets 1).</summary>
    public IReadOnlyList<double> Scale { get; }

    /// <summary><c>(x − Offset) / Scale</c> for every value.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="FeatureSize"/>.</exception>
    public float[] Transform(ReadOnlySpan<float> values)
    {
        CheckRows(values.Length, nameof(values));
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int f = i % FeatureSize;
            result[i] = (float)((values[i] - Offset[f]) / Scale[f]);
        }

        return result;
    }

    /// <summary><c>z · Scale + Offset</c> for every value: the inverse of <see cref="Transform"/>.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="FeatureSize"/>.</exception>
    public float[] InverseTransform(ReadOnlySpan<float> scaled)
    {
        CheckRows(scaled.Length, nameof(scaled));
        var result = new float[scaled.Length];
        for (int i = 0; i < scaled.Length; i++)
        {
            int f = i % FeatureSize;
            result[i] = (float)(scaled[i] * Scale[f] + Offset[f]);
        }

        return result;
    }

    private void CheckRows(int length, string name)
    {
        if (length % FeatureSize != 0)
        {
            throw new ArgumentException($"{name}: expected a multiple of the feature size {FeatureSize} values but got {length}.", name);
        }
    }

    private protected static void CheckFit(int length, int featureSize, string name)
    {
        TokenWindows.Positive(featureSize, nameof(featureSize));
        if (length == 0 || length % featureSize != 0)
        {
            throw new ArgumentException($"{name}: expected a non-zero multiple of featureSize = {featureSize} values but got {length}.", name);
        }
    }
}

/// <summary>Standardisation: per feature, subtract the training mean and divide by the training standard deviation (population, as scikit-learn).</summary>
public sealed class StandardScaler : FeatureScaler
{
    private StandardScaler(double[] mean, double[] deviation) : base(mean, deviation) { }

    /// <summary>Fits the mean and standard deviation of every feature of <paramref name="training"/> (rows of <paramref name="featureSize"/> values).</summary>
    /// <exception cref="ArgumentException"><paramref name="training"/> is empty or not a multiple of <paramref name="featureSize"/>.</exception>
    public static StandardScaler Fit(ReadOnlySpan<float> training, int featureSize = 1)
    {
        CheckFit(training.Length, featureSize, nameof(training));
        int rows = training.Length / featureSize;
        var mean = new double[featureSize];
        var deviation = new double[featureSize];
        for (int i = 0; i < training.Length; i++) mean[i % featureSize] += training[i];
        for (int f = 0; f < featureSize; f++) mean[f] /= rows;
        for (int i = 0; i < training.Length; i++)
        {
            double d = training[i] - mean[i % featureSize];
            deviation[i % featureSize] += d * d;
        }

        for (int f = 0; f < featureSize; f++)
        {
            deviation[f] = Math.Sqrt(deviation[f] / rows);
            if (deviation[f] == 0) deviation[f] = 1;
        }

        return new StandardScaler(mean, deviation);
    }
}

/// <summary>Min-max scaling: per feature, the training minimum maps to <c>low</c> and the training maximum to <c>high</c> (default [0, 1]).</summary>
public sealed class MinMaxScaler : FeatureScaler
{
    private MinMaxScaler(double[] offset, double[] scale) : base(offset, scale) { }

    /// <summary>Fits the range of every feature of <paramref name="training"/> onto [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <exception cref="ArgumentException"><paramref name="training"/> is empty or not a multiple of <paramref name="featureSize"/>, or <paramref name="low"/> is not below <paramref name="high"/>.</exception>
    public static MinMaxScaler Fit(ReadOnlySpan<float> training, int featureSize = 1, double low = 0, double high = 1)
    {
        CheckFit(training.Length, featureSize, nameof(training));
        if (!(low < high))
        {
            throw new ArgumentException($"high: expected more than low = {low} but got {high}.", nameof(high));
        }

        var min = Enumerable.Repeat(double.PositiveInfinity, featureSize).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, featureSize).ToArray();
        for (int i = 0; i < training.Length; i++)
        {
            int f = i % featureSize;
            min[f] = Math.Min(min[f], training[i]);
            max[f] = Math.Max(max[f], training[i]);
        }

        // z = low + (x − min)·(high − low)/(max − min)  ⇔  z = (x − offset)/scale with scale = (max − min)/(high − low)
        var offset = new double[featureSize];
        var scale = new double[featureSize];
        for (int f = 0; f < featureSize; f++)
        {
            scale[f] = max[f] > min[f] ? (max[f] - min[f]) / (high - low) : 1;
            offset[f] = min[f] - low * scale[f];
        }

        return new MinMaxScaler(offset, scale);
    }
}
