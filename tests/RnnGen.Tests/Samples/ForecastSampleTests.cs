using System.Globalization;
using System.Text.RegularExpressions;
using Forecast;

namespace RnnGen.Tests.Samples;

/// <summary>samples/Forecast: its --smoke mode runs end to end, and the full run meets the issue's bar against seasonal naive.</summary>
public sealed class ForecastSampleTests
{
    private static readonly (string[] Months, float[] Passengers) Data =
        AirPassengersForecast.Load(Path.Combine(AppContext.BaseDirectory, "data", "airpassengers.csv"));

    [Fact]
    public void Smoke_mode_prints_the_three_baselines_and_writes_the_plot()
    {
        string output = Path.Combine(Path.GetTempPath(), "rnngen-forecast-" + Guid.NewGuid().ToString("N"));
        var console = new StringWriter();
        TextWriter previous = Console.Out;
        Console.SetOut(console);
        try
        {
            typeof(AirPassengersForecast).Assembly.EntryPoint!.Invoke(null, [new[] { "--smoke", "--output", output }]);
        }
        finally
        {
            Console.SetOut(previous);
        }

        string text = console.ToString();
        Assert.Contains("held out 1959-01 … 1960-12", text);
        Assert.Matches(@"seasonal naive +76\.99", text);
        Assert.Matches(@"naive +137\.33", text);
        double lstm = double.Parse(Regex.Match(text, @"LSTM +([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(lstm, 0, 1000);
        string svg = File.ReadAllText(Path.Combine(output, "forecast.svg"));
        Assert.Equal(5, Regex.Matches(svg, "<polyline").Count);
        Directory.Delete(output, recursive: true);
    }

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
