namespace RnnGen.Tests.Reliability;

/// <summary>A tagger with dropout on its recurrent layer: training and inference passes differ.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class DropoutTagger
{
    [Embedding(20, 6)] public partial EmbeddingLayer Words { get; }
    [Dropout(0.5), Gru(8, ReturnSequences = true)] public partial RecurrentLayer Encoder { get; }
    [Dense(5, Activation.Softmax)] public partial DenseLayer Tags { get; }
}

/// <summary>A binary classifier with dropout: sigmoid outputs, binary cross-entropy.</summary>
[RnnModel(InputSize = 2, Loss = Loss.BinaryCrossEntropy)]
public partial class DropoutDetector
{
    [Dropout(0.4, Input = 0.2), Lstm(6)] public partial RecurrentLayer Memory { get; }
    [Dense(1, Activation.Sigmoid)] public partial DenseLayer Out { get; }
}

/// <summary>An output-recurrent forecaster with dropout.</summary>
[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError, OutputRecurrence = true)]
public partial class DropoutFeedback
{
    [Dropout(0.3), Lstm(5, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
    [Dense(2)] public partial DenseLayer Next { get; }
}

/// <summary>A small float model: a GRU read to its last step and one output.</summary>
[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError)]
public partial class TinyRegressor
{
    [Gru(4)] public partial RecurrentLayer Memory { get; }
    [Dense(1)] public partial DenseLayer Out { get; }
}
