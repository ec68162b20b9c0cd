using RnnGen.Baselines;
using RnnGen.Data;

namespace RnnGen.Tests.Data;

public sealed class TimeSeriesToolsTests
{
    private static readonly float[] Series = { 1, 2, 3, 4, 5, 6, 7 };

    [Fact]
    public void Many_to_one_windows_target_the_value_a_horizon_ahead()
    {
        SeriesWindows next = SeriesWindows.ManyToOne(Series, timeSteps: 3);
        Assert.Equal(4, next.Count); // 7 − 3 − 1 + 1
        Assert.Equal(new float[] { 1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 6 }, next.Inputs);
        Assert.Equal(new float[] { 4, 5, 6, 7 }, next.Targets);
        SeriesWindows ahead = SeriesWindows.ManyToOne(Series, timeSteps: 3, horizon: 2, stride: 2);
        Assert.Equal(2, ahead.Count); // starts 0 and 2; targets series[0 + 2 + 2], series[2 + 2 + 2]
        Assert.Equal(new float[] { 5, 7 }, ahead.Targets);
        Assert.Equal(1, next.ToDataSet().TargetsPerExample);
    }

    [Fact]
    public void Many_to_many_windows_shift_every_step()
    {
        SeriesWindows windows = SeriesWindows.ManyToMany(Series, timeSteps: 3);
        Assert.Equal(4, windows.Count);
        Assert.Equal(new float[] { 2, 3, 4, 3, 4, 5, 4, 5, 6, 5, 6, 7 }, windows.Targets);
        Assert.Equal(new float[] { 3, 4, 5, 4, 5, 6 }, SeriesWindows.ManyToMany(Series, 3, horizon: 2).Targets[..6]);
        Assert.Equal(3, windows.ToDataSet().TargetsPerExample);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SeriesWindows.ManyToMany(Series, 7));
        Assert.Equal("series", e.ParamName);
        Assert.Equal("horizon", Assert.Throws<ArgumentOutOfRangeException>(() => SeriesWindows.ManyToOne(Series, 2, 0)).ParamName);
    }

    [Fact]
    public void Scalers_fit_on_training_data_and_round_trip()
    {
        float[] training = { 2, 10, 4, 20, 6, 30 }; // two features: 2, 4, 6 and 10, 20, 30
        var standard = StandardScaler.Fit(training, featureSize: 2);
        Assert.Equal(new[] { 4.0, 20.0 }, standard.Offset);
        Assert.Equal(Math.Sqrt(8.0 / 3), standard.Scale[0], 12); // population deviation of 2, 4, 6
        float[] z = standard.Transform(training);
        Assert.Equal(0, z[2], 6);
        Assert.Equal(-Math.Sqrt(1.5), z[0], 5);
        float[] test = { 100, -3, 0.25f, 7 };
        Assert.Equal(test, standard.InverseTransform(standard.Transform(test)).Select(v => (float)Math.Round(v, 4)));

        var minMax = MinMaxScaler.Fit(training, featureSize: 2, low: -1, high: 1);
        Assert.Equal(new float[] { -1, -1, 0, 0, 1, 1 }, minMax.Transform(training));
        Assert.Equal(new float[] { 3, 5 }, minMax.Transform(new float[] { 10, 70 })); // beyond the training range: −1 + 8·2/4, −1 + 60·2/20
        Assert.Equal(test, minMax.InverseTransform(minMax.Transform(test)).Select(v => (float)Math.Round(v, 4)));
        Assert.Equal(new float[] { 0, 0 }, MinMaxScaler.Fit(new float[] { 5, 5 }).Transform(new float[] { 5, 5 })); // a constant feature

        Assert.Equal("values", Assert.Throws<ArgumentException>(() => standard.Transform(new float[] { 1, 2, 3 })).ParamName);
        Assert.Equal("training", Assert.Throws<ArgumentException>(() => StandardScaler.Fit(ReadOnlySpan<float>.Empty)).ParamName);
        Assert.Equal("high", Assert.Throws<ArgumentException>(() => MinMaxScaler.Fit(training, 1, 1, 1)).ParamName);
    }

    [Fact]
    public void Naive_and_seasonal_naive_forecasts_and_their_errors()
    {
        float[] history = { 10, 20, 30, 11, 21, 31 }; // season 3
        Assert.Equal(new float[] { 31, 31 }, NaiveForecaster.Naive(history, 2));
        Assert.Equal(new float[] { 11, 21, 31, 11, 21 }, NaiveForecaster.SeasonalNaive(history, seasonLength: 3, horizon: 5));
        Assert.Equal(new float[] { 10, 20, 30 }, NaiveForecaster.SeasonalNaiveOneStep(history, first: 3, seasonLength: 3));
        Assert.Equal(new float[] { 11, 21 }, NaiveForecaster.SeasonalNaiveOneStep(history, first: 4)); // values 4, 5 from values 3, 4
        // forecast 11, 21, 31 against 12, 21, 29: errors −1, 0, 2 → RMSE √(5/3), MAE 1
        (double rmse, double mae) = NaiveForecaster.Evaluate(NaiveForecaster.SeasonalNaive(history, 3, 3), new float[] { 12, 21, 29 });
        Assert.Equal(Math.Sqrt(5.0 / 3), rmse, 12);
        Assert.Equal(1.0, mae, 12);
        Assert.Equal("history", Assert.Throws<ArgumentException>(() => NaiveForecaster.SeasonalNaive(history, 12, 1)).ParamName);
        Assert.Equal("first", Assert.Throws<ArgumentOutOfRangeException>(() => NaiveForecaster.SeasonalNaiveOneStep(history, 2, 3)).ParamName);
    }
}
