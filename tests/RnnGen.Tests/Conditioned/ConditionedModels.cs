namespace RnnGen.Tests.Conditioned;

/// <summary>An LSTM caption model started from its condition (Show and Tell).</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class CaptionLstm
{
    [Embedding(7, 5)] public partial EmbeddingLayer Words { get; }
    [Conditioned(4), Lstm(6, ReturnSequences = true)] public partial RecurrentLayer Decoder { get; }
    [Dense(7, Activation.Softmax)] public partial DenseLayer Next { get; }
}

/// <summary>A stacked GRU fed its condition at every step (reset-after form).</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class CaptionGru
{
    [Embedding(7, 5)] public partial EmbeddingLayer Words { get; }
    [Conditioned(4, Mode = ConditionMode.EveryStep), Gru(6, ReturnSequences = true)] public partial RecurrentLayer Decoder { get; }
    [Gru(5, ReturnSequences = true)] public partial RecurrentLayer Refine { get; }
    [Dense(7, Activation.Softmax)] public partial DenseLayer Next { get; }
}

/// <summary>A SimpleRnn with both modes, small enough for a float64 reference.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class CaptionRnn
{
    [Embedding(6, 3)] public partial EmbeddingLayer Words { get; }
    [Conditioned(3, Mode = ConditionMode.InitialState | ConditionMode.EveryStep), SimpleRnn(5, ReturnSequences = true)] public partial RecurrentLayer Decoder { get; }
    [Dense(6, Activation.Softmax)] public partial DenseLayer Next { get; }
}

/// <summary>A float-input many-to-one model with both modes on an LSTM, and a reset-before GRU after it.</summary>
[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError)]
public partial class ConditionedRegressor
{
    [Conditioned(3, Mode = ConditionMode.InitialState | ConditionMode.EveryStep), Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
    [Gru(3, ResetAfter = false)] public partial RecurrentLayer Summary2 { get; }
    [Dense(2)] public partial DenseLayer Out { get; }
}
