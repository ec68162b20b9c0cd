using RnnGen.Trees;

namespace RnnGen.Tests.Trees;

/// <summary>A Tree-LSTM classifier declared in the DSL (root classification, fused softmax/cross-entropy).</summary>
[RnnModel(Loss = Loss.CrossEntropy, Initializer = Initializer.PyTorch)]
public partial class TreeLstmClassifier
{
    [Embedding(7, 3)] public partial EmbeddingLayer Tokens { get; }
    [TreeLstm(4)] public partial TreeLayer Composition { get; }
    [Dense(3, Activation.Softmax)] public partial DenseLayer Label { get; }
}

/// <summary>Socher's tanh recursive network with a tanh head and a squared-error loss (leaves are their embeddings: E = H).</summary>
[RnnModel(Loss = Loss.MeanSquaredError, Initializer = Initializer.PyTorch)]
public partial class TreeRnnRegressor
{
    [Embedding(7, 4)] public partial EmbeddingLayer Tokens { get; }
    [TreeRnn(4)] public partial TreeLayer Composition { get; }
    [Dense(2, Activation.Tanh)] public partial DenseLayer Score { get; }
}
