namespace RnnGen.Data;

/// <summary>
/// Sliding windows over a univariate series: <see cref="Inputs"/> <c>[Count, TimeSteps]</c> (one feature per step) and
/// <see cref="Targets"/>, <c>[Count]</c> for many-to-one or <c>[Count, TimeSteps]</c> for many-to-many.
/// </summary>
public sealed class SeriesWindows
{
    private SeriesWindows(float[] inputs, float[] targets, int count, int timeSteps, bool targetsPerStep)
    {
        Inputs = inputs;
        Targets = targets;
        Count = count;
        TimeSteps = timeSteps;
        TargetsPerStep = targetsPerStep;
    }

    /// <summary>Inputs <c>[Count, TimeSteps]</c>: window i holds <c>series[i·stride + t]</c>.</summary>
    public float[] Inputs { get; }

    /// <summary>Targets: <c>[Count]</c> (many-to-one) or <c>[Count, TimeSteps]</c> (many-to-many).</summary>
    public float[] Targets { get; }

    /// <summary>Number of windows.</summary>
    public int Count { get; }

    /// <summary>Steps per window.</summary>
    public int TimeSteps { get; }

    /// <summary>Whether there is a target per step (many-to-many).</summary>
    public bool TargetsPerStep { get; }

    /// <summary>The windows as a data set of float inputs (feature size 1) and float targets (width 1).</summary>
    public SequenceDataSet ToDataSet() => SequenceDataSet.FromFloats(Inputs, Count, TimeSteps, 1, Targets, 1, targetsPerStep: TargetsPerStep);

    /// <summary>
    /// Many-to-one: <paramref name="timeSteps"/> values in, the value <paramref name="horizon"/> steps after the last
    /// one out. Window i: inputs <c>series[s + t]</c>, target <c>series[s + T − 1 + horizon]</c>, <c>s = i·stride</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is below 1, or the series is shorter than one window and its target.</exception>
    public static SeriesWindows ManyToOne(ReadOnlySpan<float> series, int timeSteps, int horizon = 1, int stride = 1)
    {
        int count = CountOf(series.Length, timeSteps, horizon, stride);
        var inputs = new float[count * timeSteps];
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            int s = i * stride;
            series.Slice(s, timeSteps).CopyTo(inputs.AsSpan(i * timeSteps));
            targets[i] = series[s + timeSteps - 1 + horizon];
        }

        return new SeriesWindows(inputs, targets, count, timeSteps, targetsPerStep: false);
    }

    /// <summary>
    /// Many-to-many: <paramref name="timeSteps"/> values in, the same steps shifted by <paramref name="horizon"/> out.
    /// Window i: inputs <c>series[s + t]</c>, targets <c>series[s + t + horizon]</c>, <c>s = i·stride</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is below 1, or the series is shorter than one window and its targets.</exception>
    public static SeriesWindows ManyToMany(ReadOnlySpan<float> series, int timeSteps, int horizon = 1, int stride = 1)
    {
        int count = CountOf(series.Length, timeSteps, horizon, stride);
        var inputs = new float[count * timeSteps];
        var targets = new float[count * timeSteps];
        for (int i = 0; i < count; i++)
        {
            int s = i * stride;
            series.Slice(s, timeSteps).CopyTo(inputs.AsSpan(i * timeSteps));
            series.Slice(s + horizon, timeSteps).CopyTo(targets.AsSpan(i * timeSteps));
        }

        return new SeriesWindows(inputs, targets, count, timeSteps, targetsPerStep: true);
    }

    private static int CountOf(int length, int timeSteps, int horizon, int stride)
    {
        TokenWindows.Positive(timeSteps, nameof(timeSteps));
        TokenWindows.Positive(horizon, nameof(horizon));
        TokenWindows.Positive(stride, nameof(stride));
        int span = timeSteps + horizon;
        if (length < span)
        {
            throw new ArgumentOutOfRangeException("series", length, $"series: expected at least timeSteps + horizon = {span} values but got {length}.");
        }

        return (length - span) / stride + 1;
    }
}
