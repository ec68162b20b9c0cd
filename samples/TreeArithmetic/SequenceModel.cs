using RnnGen;

namespace TreeArithmetic;

/// <summary>The sequential baseline: the expression read left to right, brackets included, as tokens.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class SequenceModel
{
    [Embedding(Expressions.SequenceVocabulary, 16)] public partial EmbeddingLayer Tokens { get; }
    [Lstm(64)]                                      public partial RecurrentLayer Reader { get; }
    [Dense(10, Activation.Softmax)]                 public partial DenseLayer Value { get; }
}
