namespace RnnGen.Tests.Reference;

// Small models covering every cell, activation, merge and topology, each paired with its float64 reference.

[RnnModel(InputSize = 3, Loss = Loss.CrossEntropy)]
public partial class SigmoidRnnClassifier
{
    [SimpleRnn(5, Activation.Sigmoid)] public partial RecurrentLayer Rnn { get; }
    [Dense(3, Activation.Softmax)] public partial DenseLayer Out { get; }
}

[RnnModel(InputSize = 3, Loss = Loss.CrossEntropy)]
public partial class TanhRnnClassifier
{
    [SimpleRnn(4)] public partial RecurrentLayer Rnn { get; }
    [Dense(2, Activation.Softmax)] public partial DenseLayer Out { get; }
}

[RnnModel(InputSize = 4, Loss = Loss.MeanSquaredError)]
public partial class PeepholeTagger
{
    [Lstm(5, Peepholes = true, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
    [Dense(2, Activation.Tanh)] public partial DenseLayer Out { get; }
}

[RnnModel(InputSize = 3, Loss = Loss.BinaryCrossEntropy)]
public partial class ResetBeforeAverage
{
    // 9 units: the backward pass runs one 8-wide vector step and a scalar tail
    [Bidirectional(Merge = MergeMode.Average), Gru(9, ResetAfter = false, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
    [Dense(1, Activation.Sigmoid)] public partial DenseLayer Out { get; }
}

[RnnModel(InputSize = 3, Loss = Loss.CrossEntropy)]
public partial class SumLstm
{
    [Bidirectional(Merge = MergeMode.Sum), Lstm(4)] public partial RecurrentLayer Rnn { get; }
    [Dense(2, Activation.Softmax)] public partial DenseLayer Out { get; }
}

[RnnModel(Loss = Loss.CrossEntropy)]
public partial class MultiplyStack
{
    [Embedding(7, 3)] public partial EmbeddingLayer Words { get; }
    [Bidirectional(Merge = MergeMode.Multiply), SimpleRnn(4, Activation.Relu, ReturnSequences = true)] public partial RecurrentLayer A { get; }
    [Gru(5, ReturnSequences = true)] public partial RecurrentLayer B { get; }
    [Dense(3, Activation.Softmax)] public partial DenseLayer Out { get; }
}

[RnnModel(Loss = Loss.MeanSquaredError)]
public partial class EmbeddingStack
{
    [Embedding(6, 4)] public partial EmbeddingLayer Words { get; }
    [Lstm(3, ReturnSequences = true)] public partial RecurrentLayer A { get; }
    [SimpleRnn(4)] public partial RecurrentLayer B { get; }
    [Dense(3, Activation.Relu)] public partial DenseLayer Hidden { get; }
    [Dense(1)] public partial DenseLayer Out { get; }
}

/// <summary>Residual connections around every kind of recurrent layer, the first one around the raw input.</summary>
[RnnModel(InputSize = 4, Loss = Loss.MeanSquaredError)]
public partial class ResidualStack
{
    [Residual, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer A { get; }
    [Residual, Bidirectional(Merge = MergeMode.Sum), Gru(4, ReturnSequences = true)] public partial RecurrentLayer B { get; }
    [Residual, SimpleRnn(4, ReturnSequences = true)] public partial RecurrentLayer C { get; }
    [Dense(2)] public partial DenseLayer Out { get; }
}

/// <summary>Residual LSTMs over an embedding (Wu et al. 2016), a many-to-one softmax classifier.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class ResidualTokens
{
    [Embedding(6, 5)] public partial EmbeddingLayer Words { get; }
    [Residual, Lstm(5, ReturnSequences = true)] public partial RecurrentLayer A { get; }
    [Residual, Bidirectional(Merge = MergeMode.Average), Lstm(5, ReturnSequences = true)] public partial RecurrentLayer B { get; }
    [Gru(3)] public partial RecurrentLayer C { get; }
    [Dense(3, Activation.Softmax)] public partial DenseLayer Out { get; }
}

[RnnModel(InputSize = 2, Loss = Loss.BinaryCrossEntropy)]
public partial class ConcatGru
{
    [Bidirectional, Gru(3)] public partial RecurrentLayer Rnn { get; }
    [Dense(2, Activation.Sigmoid)] public partial DenseLayer Out { get; }
}

[RnnModel(InputSize = 3, Loss = Loss.MeanSquaredError, Initializer = Initializer.PyTorch)]
public partial class ReluSequenceRegressor
{
    [SimpleRnn(4, Activation.Relu, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
    [Dense(2)] public partial DenseLayer Out { get; }
}

[RnnModel(InputSize = 4, Loss = Loss.MeanSquaredError)]
public partial class ProjectedPeepholeTagger
{
    [Lstm(7, Peepholes = true, ProjectionSize = 3, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
    [Dense(2, Activation.Tanh)] public partial DenseLayer Out { get; }
}

[RnnModel(InputSize = 4, Loss = Loss.CrossEntropy)]
public partial class ProjectedStack
{
    [Residual, Lstm(7, ProjectionSize = 4, ReturnSequences = true)] public partial RecurrentLayer A { get; }
    [Bidirectional, Lstm(5, ProjectionSize = 3)] public partial RecurrentLayer B { get; }
    [Dense(3, Activation.Softmax)] public partial DenseLayer Out { get; }
}

public sealed record ReferenceCase(string Name, Func<RnnGen.Training.ITrainableModel> Create, ReferenceModel Reference, int Vocabulary)
{
    public override string ToString() => Name;

    public static IEnumerable<ReferenceCase> All()
    {
        yield return new("SimpleRnn sigmoid, many-to-one, softmax + cross-entropy", () => new SigmoidRnnClassifier(1),
            new ReferenceModel(3, Loss.CrossEntropy, new RefLayer("SimpleRnn", "Rnn", 5, Activation.Sigmoid), new RefLayer("Dense", "Out", 3, Activation.Softmax)), 0);
        yield return new("SimpleRnn tanh, many-to-one, softmax + cross-entropy", () => new TanhRnnClassifier(2),
            new ReferenceModel(3, Loss.CrossEntropy, new RefLayer("SimpleRnn", "Rnn", 4, Activation.Tanh), new RefLayer("Dense", "Out", 2, Activation.Softmax)), 0);
        yield return new("SimpleRnn relu, many-to-many, linear + squared error", () => new ReluSequenceRegressor(3),
            new ReferenceModel(3, Loss.MeanSquaredError, new RefLayer("SimpleRnn", "Rnn", 4, Activation.Relu, ReturnSequences: true), new RefLayer("Dense", "Out", 2, Activation.Linear)), 0);
        yield return new("LSTM peepholes, many-to-many, tanh + squared error", () => new PeepholeTagger(4),
            new ReferenceModel(4, Loss.MeanSquaredError, new RefLayer("Lstm", "Rnn", 5, ReturnSequences: true, Peepholes: true), new RefLayer("Dense", "Out", 2, Activation.Tanh)), 0);
        yield return new("GRU reset-before, bidirectional average, sigmoid + binary cross-entropy per step", () => new ResetBeforeAverage(5),
            new ReferenceModel(3, Loss.BinaryCrossEntropy, new RefLayer("Gru", "Rnn", 9, Bidirectional: true, Merge: MergeMode.Average, ReturnSequences: true, ResetAfter: false), new RefLayer("Dense", "Out", 1, Activation.Sigmoid)), 0);
        yield return new("LSTM bidirectional sum, many-to-one", () => new SumLstm(6),
            new ReferenceModel(3, Loss.CrossEntropy, new RefLayer("Lstm", "Rnn", 4, Bidirectional: true, Merge: MergeMode.Sum), new RefLayer("Dense", "Out", 2, Activation.Softmax)), 0);
        yield return new("Embedding, bidirectional relu RNN multiply, GRU stack, per-step softmax", () => new MultiplyStack(7),
            new ReferenceModel(1, Loss.CrossEntropy, new RefLayer("Embedding", "Words", 3, Vocabulary: 7), new RefLayer("SimpleRnn", "A", 4, Activation.Relu, Bidirectional: true, Merge: MergeMode.Multiply, ReturnSequences: true),
                new RefLayer("Gru", "B", 5, ReturnSequences: true), new RefLayer("Dense", "Out", 3, Activation.Softmax)), 7);
        yield return new("Embedding, LSTM → SimpleRnn stack, two Dense layers, squared error", () => new EmbeddingStack(8),
            new ReferenceModel(1, Loss.MeanSquaredError, new RefLayer("Embedding", "Words", 4, Vocabulary: 6), new RefLayer("Lstm", "A", 3, ReturnSequences: true),
                new RefLayer("SimpleRnn", "B", 4), new RefLayer("Dense", "Hidden", 3, Activation.Relu), new RefLayer("Dense", "Out", 1, Activation.Linear)), 6);
        yield return new("Residual LSTM, bidirectional GRU (sum) and SimpleRnn over float inputs, squared error", () => new ResidualStack(10),
            new ReferenceModel(4, Loss.MeanSquaredError, new RefLayer("Lstm", "A", 4, ReturnSequences: true, Residual: true),
                new RefLayer("Gru", "B", 4, Bidirectional: true, Merge: MergeMode.Sum, ReturnSequences: true, Residual: true),
                new RefLayer("SimpleRnn", "C", 4, ReturnSequences: true, Residual: true), new RefLayer("Dense", "Out", 2, Activation.Linear)), 0);
        yield return new("Embedding, residual LSTM and bidirectional LSTM (average), GRU, softmax", () => new ResidualTokens(11),
            new ReferenceModel(1, Loss.CrossEntropy, new RefLayer("Embedding", "Words", 5, Vocabulary: 6), new RefLayer("Lstm", "A", 5, ReturnSequences: true, Residual: true),
                new RefLayer("Lstm", "B", 5, Bidirectional: true, Merge: MergeMode.Average, ReturnSequences: true, Residual: true),
                new RefLayer("Gru", "C", 3), new RefLayer("Dense", "Out", 3, Activation.Softmax)), 6);
        yield return new("LSTM projection (7 units → 3) with peepholes, many-to-many, tanh + squared error", () => new ProjectedPeepholeTagger(12),
            new ReferenceModel(4, Loss.MeanSquaredError, new RefLayer("Lstm", "Rnn", 7, ReturnSequences: true, Peepholes: true, Projection: 3), new RefLayer("Dense", "Out", 2, Activation.Tanh)), 0);
        yield return new("Residual projected LSTM (7 → 4), bidirectional projected LSTM (5 → 3) many-to-one, softmax", () => new ProjectedStack(13),
            new ReferenceModel(4, Loss.CrossEntropy, new RefLayer("Lstm", "A", 7, ReturnSequences: true, Residual: true, Projection: 4),
                new RefLayer("Lstm", "B", 5, Bidirectional: true, Projection: 3), new RefLayer("Dense", "Out", 3, Activation.Softmax)), 0);
        yield return new("GRU bidirectional concat, many-to-one, sigmoid + binary cross-entropy", () => new ConcatGru(9),
            new ReferenceModel(2, Loss.BinaryCrossEntropy, new RefLayer("Gru", "Rnn", 3, Bidirectional: true), new RefLayer("Dense", "Out", 2, Activation.Sigmoid)), 0);
    }
}
