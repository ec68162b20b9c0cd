namespace RnnGen.Tests.Onnx;

/// <summary>Tokens → bidirectional LSTM (concat) → reset-after GRU → per-step softmax.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class OnnxTokenTagger
{
    [Embedding(30, 6)] public partial EmbeddingLayer Words { get; }
    [Bidirectional, Lstm(5, ReturnSequences = true)] public partial RecurrentLayer Encoder { get; }
    [Gru(4, ReturnSequences = true)] public partial RecurrentLayer Refine { get; }
    [Dense(3, Activation.Softmax)] public partial DenseLayer Tags { get; }
}

/// <summary>SimpleRnn tanh → residual SimpleRnn relu → bidirectional SimpleRnn sigmoid (sum, last step) → dense tanh.</summary>
[RnnModel(InputSize = 4, Loss = Loss.MeanSquaredError)]
public partial class OnnxRnnStack
{
    [SimpleRnn(4, ReturnSequences = true)] public partial RecurrentLayer First { get; }
    [Residual, SimpleRnn(4, Activation.Relu, ReturnSequences = true)] public partial RecurrentLayer Second { get; }
    [Bidirectional(Merge = MergeMode.Sum), SimpleRnn(5, Activation.Sigmoid)] public partial RecurrentLayer Third { get; }
    [Dense(2, Activation.Tanh)] public partial DenseLayer Out { get; }
}

/// <summary>Bidirectional reset-before GRU (average) → residual reset-after GRU → per-step dense relu.</summary>
[RnnModel(InputSize = 3, Loss = Loss.MeanSquaredError)]
public partial class OnnxGruAverage
{
    [Bidirectional(Merge = MergeMode.Average), Gru(5, ResetAfter = false, ReturnSequences = true)] public partial RecurrentLayer Reader { get; }
    [Residual, Gru(5, ReturnSequences = true)] public partial RecurrentLayer Refine { get; }
    [Dense(2, Activation.Relu)] public partial DenseLayer Out { get; }
}

/// <summary>LSTM → bidirectional peephole LSTM (multiply, last step) → linear dense.</summary>
[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError)]
public partial class OnnxPeepholeLstm
{
    [Lstm(6, ReturnSequences = true)] public partial RecurrentLayer First { get; }
    [Bidirectional(Merge = MergeMode.Multiply), Lstm(4, Peepholes = true)] public partial RecurrentLayer Second { get; }
    [Dense(3)] public partial DenseLayer Out { get; }
}

/// <summary>Bidirectional GRU (concat, last step) → softmax classifier, with dropout that inference leaves out.</summary>
[RnnModel(InputSize = 3, Loss = Loss.CrossEntropy)]
public partial class OnnxGruClassifier
{
    [Dropout(0.3), Bidirectional, Gru(3)] public partial RecurrentLayer Encoder { get; }
    [Dense(4, Activation.Softmax)] public partial DenseLayer Class { get; }
}

/// <summary>Output recurrence: the previous output is fed back, which ONNX's recurrent operators cannot express.</summary>
[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError, OutputRecurrence = true)]
public partial class OnnxFeedback
{
    [Lstm(3, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
    [Dense(1)] public partial DenseLayer Next { get; }
}

/// <summary>The PyTorch stack of make_onnx_files.py: RNN tanh → residual RNN relu → bidirectional RNN tanh (sum, last step) → dense tanh.</summary>
[RnnModel(InputSize = 4, Loss = Loss.MeanSquaredError)]
public partial class TorchRnnStack
{
    [SimpleRnn(4, ReturnSequences = true)] public partial RecurrentLayer First { get; }
    [Residual, SimpleRnn(4, Activation.Relu, ReturnSequences = true)] public partial RecurrentLayer Second { get; }
    [Bidirectional(Merge = MergeMode.Sum), SimpleRnn(5)] public partial RecurrentLayer Third { get; }
    [Dense(2, Activation.Tanh)] public partial DenseLayer Out { get; }
}

/// <summary>The tagger with 7 LSTM units where the PyTorch file has 5: import must refuse it.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class OnnxWideTagger
{
    [Embedding(30, 6)] public partial EmbeddingLayer Words { get; }
    [Bidirectional, Lstm(7, ReturnSequences = true)] public partial RecurrentLayer Encoder { get; }
    [Gru(4, ReturnSequences = true)] public partial RecurrentLayer Refine { get; }
    [Dense(3, Activation.Softmax)] public partial DenseLayer Tags { get; }
}

/// <summary>README.md's forecaster, for the "Deploying with ONNX Runtime" example.</summary>
[RnnModel(InputSize = 1, Loss = Loss.MeanSquaredError)]
public partial class Forecaster
{
    [Lstm(32)] public partial RecurrentLayer Memory { get; }
    [Dense(1)] public partial DenseLayer Next { get; }
}
