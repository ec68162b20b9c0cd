namespace RnnGen.Tests.Training;

/// <summary>A small character language model for stateful training: state carried across windows changes its numbers.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class TinyCharModel
{
    [Embedding(9, 5)] public partial EmbeddingLayer Chars { get; }
    [Lstm(7, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
    [Gru(6, ReturnSequences = true)] public partial RecurrentLayer Refine { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Next { get; }
}
