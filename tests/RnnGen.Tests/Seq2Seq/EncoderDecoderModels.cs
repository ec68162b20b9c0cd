namespace RnnGen.Tests.Seq2Seq;

// Small encoder-decoder models covering every score, cell, stack and direction; PyTorch twins in make_seq2seq_fixtures.py.

/// <summary>Bahdanau: bidirectional LSTM encoder, LSTM decoder, additive attention.</summary>
[RnnModel(Loss = Loss.CrossEntropy, StartToken = 1, EndToken = 2)]
public partial class AdditiveLstm
{
    [Encoder, Embedding(11, 6)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Bidirectional, Lstm(5, ReturnSequences = true)] public partial RecurrentLayer Reader { get; }
    [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Lstm(10)] public partial RecurrentLayer Writer { get; }
    [Attention(AttentionScore.Additive, 7)] public partial AttentionLayer Attend { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}

/// <summary>Luong general score over a two-layer GRU encoder-decoder (each decoder layer from the encoder layer at its depth).</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class GeneralGru
{
    [Encoder, Embedding(11, 6)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Gru(8, ReturnSequences = true)] public partial RecurrentLayer Lower { get; }
    [Encoder, Gru(7, ReturnSequences = true)] public partial RecurrentLayer Upper { get; }
    [Decoder, Embedding(9, 5)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Gru(8)] public partial RecurrentLayer First { get; }
    [Decoder, Gru(7)] public partial RecurrentLayer Second { get; }
    [Attention(AttentionScore.General)] public partial AttentionLayer Attend { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}

/// <summary>Luong dot score; a SimpleRnn encoder starts an LSTM decoder (hidden state only, cell from zero).</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class DotRnn
{
    [Encoder, Embedding(11, 6)] public partial EmbeddingLayer Letters { get; }
    [Encoder, SimpleRnn(6, ReturnSequences = true)] public partial RecurrentLayer Reader { get; }
    [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Lstm(6)] public partial RecurrentLayer Writer { get; }
    [Attention(AttentionScore.Dot)] public partial AttentionLayer Attend { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}

/// <summary>Sutskever et al. (2014): no attention, the decoder starts from the encoder's final state.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class PlainLstm
{
    [Encoder, Embedding(11, 6)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Lstm(8)] public partial RecurrentLayer Reader { get; }
    [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Lstm(8)] public partial RecurrentLayer Writer { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}
