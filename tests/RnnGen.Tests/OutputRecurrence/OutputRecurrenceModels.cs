namespace RnnGen.Tests.OutputRecurrence;

/// <summary>A forecaster that sees its previous prediction: LSTM over [x_t; y_(t−1)], squared error.</summary>
[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError, OutputRecurrence = true)]
public partial class FeedbackForecaster
{
    [Lstm(5, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
    [Dense(3)] public partial DenseLayer Next { get; }
}

/// <summary>A tagger whose previous tag distribution is fed back (one-hot in training): GRU + softmax.</summary>
[RnnModel(InputSize = 3, Loss = Loss.CrossEntropy, OutputRecurrence = true)]
public partial class FeedbackTagger
{
    [Gru(6, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
    [Dense(4, Activation.Softmax)] public partial DenseLayer Tag { get; }
}
