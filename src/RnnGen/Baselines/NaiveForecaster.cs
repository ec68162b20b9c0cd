using RnnGen.Data;

namespace RnnGen.Baselines;

/// <summary>
/// The baselines a forecaster must beat: naive (tomorrow equals today) and seasonal naive (this month equals the same
/// month a season ago), as multi-step forecasts from the end of a history or as one-step forecasts along a series.
/// </summary>
public static class NaiveForecaster
{
    /// <summary>The naive forecast of the <paramref name="horizon"/> values after <paramref name="history"/>: its last value, repeated.</summary>
    /// <exception cref="ArgumentException"><paramref name="history"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="horizon"/> is below 1.</exception>
    public static float[] Naive(ReadOnlySpan<float> history, int horizon) => SeasonalNaive(history, 1, horizon);

    /// <summary>
    /// The seasonal-naive forecast of the <paramref name="horizon"/> values after <paramref name="history"/>: value h
    /// (0-based) is <c>history[n − m + h mod m]</c>, the same point of the last observed season of length m.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seasonLength"/> or <paramref name="horizon"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="history"/> is shorter than one season.</exception>
    public static float[] SeasonalNaive(ReadOnlySpan<float> history, int seasonLength, int horizon)
    {
        Check(history.Length, seasonLength, nameof(history));
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, $"horizon: expected at least 1 but got {horizon}.");
        int n = history.Length;
        var forecast = new float[horizon];
        for (int h = 0; h < horizon; h++) forecast[h] = history[n - seasonLength + h % seasonLength];
        return forecast;
    }

    /// <summary>
    /// One-step seasonal-naive forecasts of <c>series[first …]</c>: value i is predicted by <c>series[i − m]</c>
    /// (m = 1 gives one-step naive forecasts). Compare with <c>series[first..]</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="first"/> is below m or not inside the series, or m is below 1.</exception>
    public static float[] SeasonalNaiveOneStep(ReadOnlySpan<float> series, int first, int seasonLength = 1)
    {
        if (seasonLength < 1) throw new ArgumentOutOfRangeException(nameof(seasonLength), seasonLength, $"seasonLength: expected at least 1 but got {seasonLength}.");
        if (first < seasonLength || first >= series.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(first), first, $"first: expected an index in {seasonLength}…{series.Length - 1} (a season after the start, inside the series) but got {first}.");
        }

        return series.Slice(first - seasonLength, series.Length - first).ToArray();
    }

    /// <summary>The forecast's RMSE and MAE against <paramref name="actual"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    public static (double Rmse, double Mae) Evaluate(ReadOnlySpan<float> forecast, ReadOnlySpan<float> actual)
        => (Metrics.RootMeanSquaredError(forecast, actual), Metrics.MeanAbsoluteError(forecast, actual));

    private static void Check(int length, int seasonLength, string name)
    {
        if (seasonLength < 1) throw new ArgumentOutOfRangeException(nameof(seasonLength), seasonLength, $"seasonLength: expected at least 1 but got {seasonLength}.");
        if (length < seasonLength) throw new ArgumentException($"{name}: expected at least one season, {seasonLength} values, but got {length}.", name);
    }
}
