using System.Diagnostics;
using System.Globalization;
using Forecast;

// AirPassengers: an LSTM forecasts the last 24 months from the 120 before them, printed beside the naive baselines.
// --smoke: three epochs (the test runs this); --seed N: another seed of the weights, dropout and shuffling;
// --output DIR: where forecast.svg goes (default ./output).
var clock = Stopwatch.StartNew();
ForecastSettings settings = args.Contains("--smoke") ? ForecastSettings.Smoke : new ForecastSettings();
string outputDirectory = Path.Combine(Environment.CurrentDirectory, "output");
for (int i = 0; i + 1 < args.Length; i++)
{
    if (args[i] == "--seed") settings = settings with { Seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture) };
    if (args[i] == "--output") outputDirectory = Path.GetFullPath(args[i + 1]);
}

(string[] months, float[] passengers) = AirPassengersForecast.Load(Path.Combine(AppContext.BaseDirectory, "data", "airpassengers.csv"));
ForecastResult result = AirPassengersForecast.Run(months, passengers, settings);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"AirPassengers: {months.Length} months, training {months[0]} … {months[^(result.Months.Length + 1)]}, held out {result.Months[0]} … {result.Months[^1]}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"LSTM(16) on {settings.WindowMonths}-month windows of yearly log-changes, {settings.Epochs} epochs, seed {settings.Seed}; final training loss {result.FinalLoss:F4}"));
Console.WriteLine("month    actual    LSTM  seasonal-naive  naive  seasonal-naive+drift");
for (int h = 0; h < result.Months.Length; h++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{result.Months[h]}  {result.Actual[h],6:F0}  {result.Model[h],6:F1}  {result.SeasonalNaive[h],14:F0}  {result.Naive[h],5:F0}  {result.SeasonalDrift[h],20:F1}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RMSE over the 24 held-out months (thousands of passengers):"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  LSTM                  {result.ModelRmse,7:F2}  ({100 * (1 - result.ModelRmse / result.SeasonalNaiveRmse):F1}% below seasonal naive)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seasonal naive        {result.SeasonalNaiveRmse,7:F2}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  naive                 {result.NaiveRmse,7:F2}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seasonal naive+drift  {result.SeasonalDriftRmse,7:F2}"));
string plot = Path.Combine(outputDirectory, "forecast.svg");
AirPassengersForecast.SavePlot(plot, passengers, result);
Console.WriteLine($"plot: {plot}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time: {clock.Elapsed.TotalSeconds:F1} s"));
