using RnnGen;

namespace CharLM;

/// <summary>A character language model: each step reads one character and predicts the next (66 ids: 4 special tokens, 62 characters).</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class CharModel
{
    /// <summary>Ids the model reads and predicts.</summary>
    public const int Vocabulary = 66;

    [Embedding(Vocabulary, 48)]
    public partial EmbeddingLayer Characters { get; }

    [Lstm(256, ReturnSequences = true)]
    public partial RecurrentLayer Memory { get; }

    [Dense(Vocabulary, Activation.Softmax)]
    public partial DenseLayer Next { get; }
}
