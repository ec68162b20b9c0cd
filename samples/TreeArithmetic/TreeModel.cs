using RnnGen;

namespace TreeArithmetic;

/// <summary>The recursive model: the expression's ((a op) b) tree, a Tree-LSTM composing children into parents, the value on the root.</summary>
[RnnModel(Loss = Loss.CrossEntropy, Initializer = Initializer.PyTorch)]
public partial class TreeModel
{
    [Embedding(Expressions.TreeVocabulary, 16)] public partial EmbeddingLayer Tokens { get; }
    [TreeLstm(64)]                              public partial TreeLayer Composition { get; }
    [Dense(10, Activation.Softmax)]             public partial DenseLayer Value { get; }
}
