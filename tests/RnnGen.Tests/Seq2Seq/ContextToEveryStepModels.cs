namespace RnnGen.Tests.Seq2Seq;

/// <summary>Cho et al. (2014): a GRU encoder-decoder whose context C, the encoder's final state, is fed to every decoder step.</summary>
[RnnModel(Loss = Loss.CrossEntropy, ContextToEveryStep = true)]
public partial class ContextGru
{
    [Encoder, Embedding(11, 6)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Gru(8)] public partial RecurrentLayer Reader { get; }
    [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Gru(8)] public partial RecurrentLayer Writer { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}

/// <summary>Two layers each side, a bidirectional top encoder layer (C = both directions' final states), an LSTM on top of a GRU in the decoder.</summary>
[RnnModel(Loss = Loss.CrossEntropy, ContextToEveryStep = true)]
public partial class ContextStack
{
    [Encoder, Embedding(11, 6)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Lstm(6, ReturnSequences = true)] public partial RecurrentLayer Lower { get; }
    [Encoder, Bidirectional, Lstm(4)] public partial RecurrentLayer Upper { get; }
    [Decoder, Embedding(9, 5)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Gru(6)] public partial RecurrentLayer First { get; }
    [Decoder, Lstm(8)] public partial RecurrentLayer Second { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}

/// <summary><see cref="PlainLstm"/>'s sizes with the context fed to every step.</summary>
[RnnModel(Loss = Loss.CrossEntropy, ContextToEveryStep = true)]
public partial class ContextLstm
{
    [Encoder, Embedding(11, 6)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Lstm(8)] public partial RecurrentLayer Reader { get; }
    [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Lstm(8)] public partial RecurrentLayer Writer { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}
