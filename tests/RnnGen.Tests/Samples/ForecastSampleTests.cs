using System.Text.RegularExpressions;
using Forecast;

namespace RnnGen.Tests.Samples;

/// <summary>samples/Forecast: its --smoke mode runs end to end, and the full run meets the bar against seasonal naive.</summary>
[Collection(SampleCollection.Name)]
public sealed class ForecastSampleTests
{
    private static readonly (string[] Months, float[] Passengers) Data =
        AirPassengersForecast.Load(Path.Combine(AppContext.BaseDirectory, "data", "airpassengers.csv"));

    [Fact]
    public void Smoke_mode_prints_the_three_baselines_and_writes_the_plot() => SampleRunner.InTemporaryFolder(output =>
    {
        string text = SampleRunner.Run(typeof(AirPassengersForecast).Assembly, "--smoke", "--output", output);
        Assert.Contains("held out 1959-01 … 1960-12", text);
        Assert.Equal(76.99, SampleRunner.Figure(text, "seasonal naive "), 2);
        Assert.Equal(137.33, SampleRunner.Figure(text, "  naive "), 2);
        Assert.InRange(SampleRunner.Figure(text, "  LSTM "), 0, 1000);
        Assert.Equal(5, Regex.Matches(File.ReadAllText(Path.Combine(output, "forecast.svg")), "<polyline").Count);
    });

    [Fact]
    public void Baselines_are_the_hand_computed_forecasts()
    {
        ForecastResult result = AirPassengersForecast.Run(Data.Months, Data.Passengers, ForecastSettings.Smoke);
        Assert.Equal(144, Data.Passengers.Length);
        Assert.Equal(Data.Passengers[108..120].Concat(Data.Passengers[108..120]), result.SeasonalNaive); // 1958, twice
        Assert.All(result.Naive, v => Assert.Equal(Data.Passengers[119], v));                            // December 1958
        Assert.Equal(Data.Passengers[120..], result.Actual);
    }

    [Fact]
    public void Same_seed_gives_the_same_forecast_bitwise()
    {
        ForecastResult first = AirPassengersForecast.Run(Data.Months, Data.Passengers, ForecastSettings.Smoke);
        ForecastResult second = AirPassengersForecast.Run(Data.Months, Data.Passengers, ForecastSettings.Smoke);
        Assert.Equal(first.Model, second.Model);
    }

    [Fact]
    public void Full_run_is_at_least_20_percent_below_seasonal_naive()
    {
        ForecastResult result = AirPassengersForecast.Run(Data.Months, Data.Passengers, new ForecastSettings());
        Assert.True(result.ModelRmse <= 0.8 * result.SeasonalNaiveRmse,
            $"LSTM RMSE {result.ModelRmse:F2} is not 20% below seasonal naive {result.SeasonalNaiveRmse:F2}");
    }
}
