namespace RnnGen;

/// <summary>
/// What a model member declared with a layer attribute exposes at run time: its name, kind, sizes and
/// views of its parameters and gradients inside the model's buffers. Generated models create these.
/// </summary>
public abstract class Layer
{
    /// <summary>Creates the view.</summary>
    protected Layer(string name, int inputSize, int outputSize, IReadOnlyList<NamedTensor> parameters, IReadOnlyList<NamedTensor> gradients)
    {
        Name = name;
        InputSize = inputSize;
        OutputSize = outputSize;
        Parameters = parameters;
        Gradients = gradients;
    }

    /// <summary>The member name, e.g. <c>Encoder</c>.</summary>
    public string Name { get; }

    /// <summary>Features per step this layer reads (for an embedding: 1 token id).</summary>
    public int InputSize { get; }

    /// <summary>Features per step (or per sequence) this layer outputs.</summary>
    public int OutputSize { get; }

    /// <summary>The layer's parameters, PyTorch names prefixed with the member name.</summary>
    public IReadOnlyList<NamedTensor> Parameters { get; }

    /// <summary>Gradient views with the same names and shapes as <see cref="Parameters"/>.</summary>
    public IReadOnlyList<NamedTensor> Gradients { get; }

    /// <summary>Number of trainable floats (the Keras count).</summary>
    public int ParameterCount
    {
        get
        {
            int count = 0;
            foreach (NamedTensor tensor in Parameters)
            {
                count += tensor.Length;
            }

            return count;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({GetType().Name}, {InputSize} -> {OutputSize}, {ParameterCount:N0} parameters)";
}

/// <summary>An <see cref="EmbeddingAttribute"/> layer.</summary>
public sealed class EmbeddingLayer : Layer
{
    /// <summary>Creates the view.</summary>
    public EmbeddingLayer(string name, int vocabularySize, int dimension, IReadOnlyList<NamedTensor> parameters, IReadOnlyList<NamedTensor> gradients)
        : base(name, 1, dimension, parameters, gradients) => VocabularySize = vocabularySize;

    /// <summary>Number of token ids.</summary>
    public int VocabularySize { get; }

    /// <summary>The <c>[vocabularySize, dimension]</c> table.</summary>
    public NamedTensor Weight => Parameters[0];

    /// <summary>False when the table is frozen (<c>[Embedding(…, Trainable = false)]</c>).</summary>
    public bool Trainable { get; init; } = true;
}

/// <summary>The kind of cell of a <see cref="RecurrentLayer"/>.</summary>
public enum CellKind
{
    /// <summary>Elman RNN.</summary>
    SimpleRnn,
    /// <summary>LSTM.</summary>
    Lstm,
    /// <summary>GRU.</summary>
    Gru,
}

/// <summary>A <see cref="SimpleRnnAttribute"/>, <see cref="LstmAttribute"/> or <see cref="GruAttribute"/> layer.</summary>
public sealed class RecurrentLayer : Layer
{
    /// <summary>Creates the view; <paramref name="projectionSize"/> &gt; 0 for an LSTM with a projection (h has that many floats).</summary>
    public RecurrentLayer(string name, CellKind cell, int inputSize, int units, bool bidirectional, MergeMode merge, bool returnSequences,
        IReadOnlyList<NamedTensor> parameters, IReadOnlyList<NamedTensor> gradients, int projectionSize = 0)
        : base(name, inputSize, (bidirectional && merge == MergeMode.Concat ? 2 : 1) * (projectionSize > 0 ? projectionSize : units), parameters, gradients)
    {
        Cell = cell;
        Units = units;
        ProjectionSize = projectionSize;
        Bidirectional = bidirectional;
        Merge = merge;
        ReturnSequences = returnSequences;
        Peepholes = cell == CellKind.Lstm && parameters.Any(p => p.Name.Contains(".weight_peephole_", StringComparison.Ordinal));
        ResetAfter = cell == CellKind.Gru && parameters.Any(p => p.Name.Contains(".bias_hh_", StringComparison.Ordinal));
    }

    /// <summary>The cell.</summary>
    public CellKind Cell { get; }

    /// <summary>Hidden units per direction (the gates' and the cell state's width).</summary>
    public int Units { get; }

    /// <summary>LSTM with a projection (<c>[Lstm(units, ProjectionSize = P)]</c>, a <c>weight_hr</c> tensor per direction): P, the width of h; 0 without.</summary>
    public int ProjectionSize { get; }

    /// <summary>Whether the layer runs in both directions.</summary>
    public bool Bidirectional { get; }

    /// <summary>How directions are merged (bidirectional only).</summary>
    public MergeMode Merge { get; }

    /// <summary>Whether the layer outputs every step.</summary>
    public bool ReturnSequences { get; }

    /// <summary>The activation of a SimpleRnn cell (<see cref="Activation.Tanh"/>, <see cref="Activation.Relu"/> or <see cref="Activation.Sigmoid"/>); LSTM and GRU cells ignore it.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Whether the layer outputs <c>h_t + x_t</c> (<see cref="ResidualAttribute"/>).</summary>
    public bool Residual { get; init; }

    /// <summary>LSTM with peephole connections (a <c>weight_peephole</c> tensor per direction); read from the parameters.</summary>
    public bool Peepholes { get; init; }

    /// <summary>GRU in the reset-after form (two biases, <c>bias_ih</c> and <c>bias_hh</c>); read from the parameters.</summary>
    public bool ResetAfter { get; init; }

    /// <summary>Floats of the condition vector of a <see cref="ConditionedAttribute"/> layer; 0: not conditioned.</summary>
    public int ConditionSize { get; init; }
}

/// <summary>A <see cref="DenseAttribute"/> layer.</summary>
public sealed class DenseLayer : Layer
{
    /// <summary>Creates the view.</summary>
    public DenseLayer(string name, int inputSize, int units, Activation activation, IReadOnlyList<NamedTensor> parameters, IReadOnlyList<NamedTensor> gradients)
        : base(name, inputSize, units, parameters, gradients) => Activation = activation;

    /// <summary>The output activation.</summary>
    public Activation Activation { get; }

    /// <summary><c>[units, inputSize]</c>.</summary>
    public NamedTensor Weight => Parameters[0];

    /// <summary><c>[units]</c>.</summary>
    public NamedTensor Bias => Parameters[1];
}

/// <summary>An <see cref="AttentionAttribute"/> layer of an encoder-decoder model.</summary>
public sealed class AttentionLayer : Layer
{
    /// <summary>Creates the view.</summary>
    public AttentionLayer(string name, AttentionScore score, int querySize, int valueSize, int units,
        IReadOnlyList<NamedTensor> parameters, IReadOnlyList<NamedTensor> gradients)
        : base(name, querySize, valueSize, parameters, gradients)
    {
        Score = score;
        Units = units;
    }

    /// <summary>The score function.</summary>
    public AttentionScore Score { get; }

    /// <summary>Hidden units of the additive score (0 otherwise).</summary>
    public int Units { get; }
}

/// <summary>A <see cref="TreeLstmAttribute"/> or <see cref="TreeRnnAttribute"/> layer: one cell applied at every inner node of a binary tree.</summary>
public sealed class TreeLayer : Layer
{
    /// <summary>Creates the view.</summary>
    public TreeLayer(string name, Trees.TreeCellKind cell, int inputSize, int units, IReadOnlyList<NamedTensor> parameters, IReadOnlyList<NamedTensor> gradients)
        : base(name, inputSize, units, parameters, gradients)
    {
        Cell = cell;
        Units = units;
    }

    /// <summary>The composition cell.</summary>
    public Trees.TreeCellKind Cell { get; }

    /// <summary>Hidden units of every node's vector.</summary>
    public int Units { get; }
}
