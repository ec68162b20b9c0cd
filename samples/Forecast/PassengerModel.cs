using RnnGen;

namespace Forecast;

/// <summary>A window of scaled yearly log-changes → the next month's: a small LSTM with dropout on its outputs, a linear output.</summary>
[RnnModel(InputSize = 1, Loss = Loss.MeanSquaredError)]
public partial class PassengerModel
{
    [Dropout(0.2), Lstm(16)]
    public partial RecurrentLayer Memory { get; }

    [Dense(1)]
    public partial DenseLayer Next { get; }
}
