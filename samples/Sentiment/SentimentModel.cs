using RnnGen;

namespace Sentiment;

/// <summary>Review sentence → probability that it is positive: word embeddings, a bidirectional LSTM, a sigmoid.</summary>
[RnnModel(Loss = Loss.BinaryCrossEntropy)]
public partial class SentimentModel
{
    /// <summary>Word ids kept (0 = padding, 1 = unknown word, then the most frequent training words).</summary>
    public const int Words = 3000;

    [Embedding(Words, 32)]
    public partial EmbeddingLayer Embedding { get; }

    [Bidirectional, Lstm(32)]
    public partial RecurrentLayer Encoder { get; }

    [Dense(1, Activation.Sigmoid)]
    public partial DenseLayer Classifier { get; }
}
