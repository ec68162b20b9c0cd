namespace RnnGen.Tests.Models;

/// <summary>The lecture's character model: h, e, l, o → next character.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class HelloModel
{
    [Embedding(4, 8)] public partial EmbeddingLayer Chars { get; }
    [SimpleRnn(16, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
    [Dense(4, Activation.Softmax)] public partial DenseLayer Next { get; }
}

/// <summary>A forecaster fed one float per step (DESIGN.md).</summary>
[RnnModel(InputSize = 1, Loss = Loss.MeanSquaredError)]
public partial class Forecaster
{
    [Lstm(32)] public partial RecurrentLayer Memory { get; }
    [Dense(1)] public partial DenseLayer Next { get; }
}

/// <summary>A stateful stacked model for truncated BPTT: per-step outputs.</summary>
[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError)]
public partial class StreamModel
{
    [Gru(5, ReturnSequences = true)] public partial RecurrentLayer First { get; }
    [Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Second { get; }
    [Dense(2)] public partial DenseLayer Out { get; }
}

/// <summary>Keras's IMDB example, first layers: Embedding(10000, 32) + SimpleRNN(32, return_sequences=True).</summary>
[RnnModel]
public partial class KerasSummaryTwo
{
    [Embedding(10_000, 32)] public partial EmbeddingLayer Embedding { get; }
    [SimpleRnn(32, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
}

/// <summary>Keras's stacked example: three more SimpleRNN(32) layers.</summary>
[RnnModel]
public partial class KerasSummaryStacked
{
    [Embedding(10_000, 32)] public partial EmbeddingLayer Embedding { get; }
    [SimpleRnn(32, ReturnSequences = true)] public partial RecurrentLayer Rnn1 { get; }
    [SimpleRnn(32, ReturnSequences = true)] public partial RecurrentLayer Rnn2 { get; }
    [SimpleRnn(32, ReturnSequences = true)] public partial RecurrentLayer Rnn3 { get; }
    [SimpleRnn(32)] public partial RecurrentLayer Rnn4 { get; }
}

/// <summary>A token classifier with a bidirectional GRU (no streaming Step).</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class TokenTagger
{
    [Embedding(50, 8)] public partial EmbeddingLayer Words { get; }
    [Bidirectional, Gru(6, ReturnSequences = true)] public partial RecurrentLayer Encoder { get; }
    [Dense(5, Activation.Softmax)] public partial DenseLayer Tags { get; }
}

/// <summary>A many-to-one bidirectional model: each direction's last step (its own, under padding) merged by sum.</summary>
[RnnModel(InputSize = 2)]
public partial class BiSummarizer
{
    [Bidirectional(Merge = MergeMode.Sum), Lstm(5)] public partial RecurrentLayer Encoder { get; }
    [Dense(3, Activation.Tanh)] public partial DenseLayer Out { get; }
}

/// <summary>Declares PyTorch as its default initialisation.</summary>
[RnnModel(InputSize = 2, Initializer = Initializer.PyTorch)]
public partial class PyTorchDefault
{
    [Lstm(6, Peepholes = true, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
    [SimpleRnn(4)] public partial RecurrentLayer Last { get; }
}

/// <summary>Cheap in parameters, wide per step: a long sequence overflows the workspace before it costs memory.</summary>
[RnnModel]
public partial class WideEmbedding
{
    [Embedding(2, 30_000)] public partial EmbeddingLayer Wide { get; }
    [Dense(1)] public partial DenseLayer Out { get; }
}
