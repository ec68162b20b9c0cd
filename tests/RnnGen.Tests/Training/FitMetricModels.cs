namespace RnnGen.Tests.Training;

/// <summary>Two features per step → one of three classes.</summary>
[RnnModel(InputSize = 2, Loss = Loss.CrossEntropy)]
public partial class ThreeWayClassifier
{
    [Gru(6)] public partial RecurrentLayer Memory { get; }
    [Dense(3, Activation.Softmax)] public partial DenseLayer Classes { get; }
}

/// <summary>Two features per step → the probability of the positive class.</summary>
[RnnModel(InputSize = 2, Loss = Loss.BinaryCrossEntropy)]
public partial class BinaryDetector
{
    [SimpleRnn(6)] public partial RecurrentLayer Memory { get; }
    [Dense(1, Activation.Sigmoid)] public partial DenseLayer Positive { get; }
}
