using System.Globalization;
using RnnGen.Baselines;
using RnnGen.Data;
using RnnGen.Plotting;
using RnnGen.Training;

namespace Forecast;

/// <summary>How the sample trains: the full run, or a seconds-long smoke run for the test.</summary>
/// <param name="Epochs">Passes over the training windows.</param>
/// <param name="Seed">Seed of the weights and the shuffling.</param>
/// <param name="WindowMonths">Months of log-changes the model reads per forecast.</param>
/// <param name="Lag">Months between the values a log-change compares (12: the change from the same month a year before).</param>
/// <param name="LearningRate">Adam's base rate (cosine-decayed over the epochs).</param>
public sealed record ForecastSettings(int Epochs = 100, int Seed = 1, int WindowMonths = 24, int Lag = 12, float LearningRate = 0.005f)
{
    /// <summary>Months held out at the end of the series.</summary>
    public const int HeldOutMonths = 24;

    /// <summary>The smoke run: a few epochs, the same pipeline.</summary>
    public static ForecastSettings Smoke { get; } = new(Epochs: 3);
}

/// <summary>The held-out figures of a run.</summary>
/// <param name="Months">The held-out months, "1959-01" … "1960-12".</param>
/// <param name="Actual">Passengers (thousands) in those months.</param>
/// <param name="Model">The RNN's forecast.</param>
/// <param name="SeasonalNaive">The same month a year earlier (the last year of the training data, repeated).</param>
/// <param name="Naive">The last training month, repeated.</param>
/// <param name="SeasonalDrift">Seasonal naive grown by the mean yearly log-change of the training months (the model's forecast
/// if it predicted every change as the training mean).</param>
/// <param name="FinalLoss">The last epoch's training loss (scaled log-changes).</param>
public sealed record ForecastResult(string[] Months, float[] Actual, float[] Model, float[] SeasonalNaive, float[] Naive, float[] SeasonalDrift, double FinalLoss)
{
    /// <summary>RMSE of the RNN's forecast.</summary>
    public double ModelRmse => Metrics.RootMeanSquaredError(Model, Actual);

    /// <summary>RMSE of the seasonal-naive forecast.</summary>
    public double SeasonalNaiveRmse => Metrics.RootMeanSquaredError(SeasonalNaive, Actual);

    /// <summary>RMSE of the naive forecast.</summary>
    public double NaiveRmse => Metrics.RootMeanSquaredError(Naive, Actual);

    /// <summary>RMSE of the seasonal-naive forecast with drift.</summary>
    public double SeasonalDriftRmse => Metrics.RootMeanSquaredError(SeasonalDrift, Actual);
}

/// <summary>
/// Forecasts the last 24 months of AirPassengers from the 120 before them. The series is log-transformed and differenced
/// at <see cref="ForecastSettings.Lag"/> (which removes the growth and, at lag 12, the seasonal pattern), standardised on
/// the training months, cut into many-to-one windows, and an LSTM learns the next value. The forecast is iterative: each
/// predicted change is appended to the window for the next month, then the changes are integrated back to passengers.
/// </summary>
public static class AirPassengersForecast
{
    /// <summary>Reads the data set shipped next to the program: (months, passengers).</summary>
    public static (string[] Months, float[] Passengers) Load(string path)
    {
        var months = new List<string>();
        var values = new List<float>();
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            if (line.Length == 0) continue;
            string[] fields = line.Split(',');
            months.Add(fields[0].Trim('"'));
            values.Add(float.Parse(fields[1], CultureInfo.InvariantCulture));
        }

        return (months.ToArray(), values.ToArray());
    }

    /// <summary>Trains on all but the last <see cref="ForecastSettings.HeldOutMonths"/> months and forecasts them.</summary>
    public static ForecastResult Run(string[] months, float[] passengers, ForecastSettings settings)
    {
        int horizon = ForecastSettings.HeldOutMonths, trainCount = passengers.Length - horizon, lag = settings.Lag;
        double[] log = passengers.Select(p => Math.Log(p)).ToArray();

        // changes[i] = log[i + lag] − log[i]: the training months give trainCount − lag of them
        float[] changes = new float[trainCount - lag];
        for (int i = 0; i < changes.Length; i++) changes[i] = (float)(log[i + lag] - log[i]);
        var scaler = StandardScaler.Fit(changes);
        float[] scaled = scaler.Transform(changes);
        SequenceDataSet windows = SeriesWindows.ManyToOne(scaled, settings.WindowMonths).ToDataSet();

        var model = new PassengerModel(seed: settings.Seed);
        TrainingHistory history = model.Fit(windows, new Adam(settings.LearningRate), new FitOptions
        {
            Epochs = settings.Epochs,
            BatchSize = 16,
            Seed = settings.Seed,
            Schedule = LearningRateSchedule.Cosine(settings.Epochs),
        });

        // iterative multi-step forecast: each predicted change joins the window that predicts the next
        var window = new List<float>(scaled[^settings.WindowMonths..]);
        float[] next = new float[1];
        double[] forecastLog = new double[horizon], driftLog = new double[horizon];
        double meanChange = scaler.Offset[0];
        for (int h = 0; h < horizon; h++)
        {
            model.Predict(window.GetRange(window.Count - settings.WindowMonths, settings.WindowMonths).ToArray(), 1, settings.WindowMonths, next);
            window.Add(next[0]);
            double change = scaler.InverseTransform(next)[0];
            int t = trainCount + h;
            double before = t - lag < trainCount ? log[t - lag] : forecastLog[t - lag - trainCount];
            forecastLog[h] = before + change;
            driftLog[h] = (t - lag < trainCount ? log[t - lag] : driftLog[t - lag - trainCount]) + meanChange;
        }

        float[] training = passengers[..trainCount];
        return new ForecastResult(
            months[trainCount..],
            passengers[trainCount..],
            forecastLog.Select(v => (float)Math.Exp(v)).ToArray(),
            NaiveForecaster.SeasonalNaive(training, seasonLength: 12, horizon),
            NaiveForecaster.Naive(training, horizon),
            driftLog.Select(v => (float)Math.Exp(v)).ToArray(),
            history.Epochs[^1].Loss);
    }

    /// <summary>Writes the whole series with the three forecasts over the held-out months as an SVG line chart.</summary>
    public static void SavePlot(string path, float[] passengers, ForecastResult result)
    {
        int first = passengers.Length - result.Actual.Length;
        double[] all = Enumerable.Range(0, passengers.Length).Select(i => 1949 + i / 12.0).ToArray();
        double[] held = all[first..];
        SvgLineChart.SavePanels(path, "AirPassengers: forecast of 1959–1960 from 1949–1958",
            new SvgPanel("Monthly passengers (thousands)", "year", "passengers",
            [
                new SvgSeries("actual", all, passengers.Select(p => (double)p).ToArray()),
                new SvgSeries($"LSTM (RMSE {result.ModelRmse:F1})", held, result.Model.Select(p => (double)p).ToArray()),
                new SvgSeries($"seasonal naive (RMSE {result.SeasonalNaiveRmse:F1})", held, result.SeasonalNaive.Select(p => (double)p).ToArray()),
                new SvgSeries($"naive (RMSE {result.NaiveRmse:F1})", held, result.Naive.Select(p => (double)p).ToArray()),
                new SvgSeries($"seasonal naive + drift (RMSE {result.SeasonalDriftRmse:F1})", held, result.SeasonalDrift.Select(p => (double)p).ToArray()),
            ]));
    }
}
