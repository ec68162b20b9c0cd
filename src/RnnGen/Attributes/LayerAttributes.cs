namespace RnnGen;

/// <summary>Base of the attributes that declare a layer. Exactly one goes on each layer member.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public abstract class LayerAttribute : Attribute
{
}

/// <summary>Base of the recurrent layer attributes.</summary>
public abstract class RecurrentAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    protected RecurrentAttribute(int units) => Units = units;

    /// <summary>Hidden units H (the width of the state and of one step's output per direction).</summary>
    public int Units { get; }

    /// <summary>
    /// <see langword="true"/>: the layer outputs its state at every step, <c>[batch, time, units]</c>
    /// (needed when another recurrent layer follows); <see langword="false"/>: only the last step's,
    /// <c>[batch, units]</c>.
    /// </summary>
    public bool ReturnSequences { get; set; }
}

/// <summary>Maps token ids in <c>[0, vocabularySize)</c> to learned vectors of <c>dimension</c> floats. First layer only.</summary>
public sealed class EmbeddingAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public EmbeddingAttribute(int vocabularySize, int dimension)
    {
        VocabularySize = vocabularySize;
        Dimension = dimension;
    }

    /// <summary>Number of distinct token ids.</summary>
    public int VocabularySize { get; }

    /// <summary>Length of each token's vector.</summary>
    public int Dimension { get; }

    /// <summary>
    /// False freezes the table (Keras <c>trainable=False</c>, PyTorch <c>from_pretrained(freeze=True)</c>): no gradient
    /// reaches it, so no optimizer changes it, and <c>Summary()</c> counts it as non-trainable. Fill it with pretrained
    /// vectors through the layer's <c>Weight</c> (e.g. <c>WordVectors.CopyTo</c>). Sequential models only. Default true.
    /// </summary>
    public bool Trainable { get; set; } = true;
}

/// <summary>Elman recurrent layer: <c>h' = act(W_ih x + W_hh h + b)</c>.</summary>
public sealed class SimpleRnnAttribute : RecurrentAttribute
{
    /// <summary>Creates the attribute.</summary>
    public SimpleRnnAttribute(int units, Activation activation = Activation.Tanh) : base(units) => Activation = activation;

    /// <summary><see cref="RnnGen.Activation.Tanh"/> (default), <see cref="RnnGen.Activation.Relu"/> or <see cref="RnnGen.Activation.Sigmoid"/>.</summary>
    public Activation Activation { get; }
}

/// <summary>Long short-term memory layer, PyTorch gate order <c>i, f, g, o</c>.</summary>
public sealed class LstmAttribute : RecurrentAttribute
{
    /// <summary>Creates the attribute.</summary>
    public LstmAttribute(int units) : base(units)
    {
    }

    /// <summary>
    /// Peephole connections (Gers &amp; Schmidhuber 2000): the input and forget gates see <c>c_{t−1}</c>,
    /// the output gate sees <c>c_t</c>, each through a diagonal weight vector.
    /// </summary>
    public bool Peepholes { get; set; }

    /// <summary>
    /// A projection (PyTorch's <c>proj_size</c>, Sak et al. 2014's LSTMP): each step's <c>o ⊙ tanh(c)</c> is multiplied by
    /// <c>weight_hr</c> <c>[ProjectionSize, units]</c>, so h — the layer's output, its recurrent input and its state — has
    /// <c>ProjectionSize</c> floats while the cell state keeps <c>units</c>. 0 (the default): no projection; otherwise
    /// 1 … units − 1 (RNN0036).
    /// </summary>
    public int ProjectionSize { get; set; }
}

/// <summary>Gated recurrent unit, PyTorch gate order <c>r, z, n</c>.</summary>
public sealed class GruAttribute : RecurrentAttribute
{
    /// <summary>Creates the attribute.</summary>
    public GruAttribute(int units) : base(units)
    {
    }

    /// <summary>
    /// <see langword="true"/> (default): <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>, the PyTorch /
    /// Keras / cuDNN form with two bias vectors. <see langword="false"/>: the original Cho et al. (2014)
    /// form <c>n = tanh(W_in x + W_hn (r ⊙ h) + b_n)</c> with one bias vector.
    /// </summary>
    public bool ResetAfter { get; set; } = true;
}

/// <summary>
/// Fully connected layer <c>y = act(W x + b)</c>, applied to the last step, or to every step when the
/// layer before returns sequences.
/// </summary>
public sealed class DenseAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public DenseAttribute(int units, Activation activation = Activation.Linear)
    {
        Units = units;
        Activation = activation;
    }

    /// <summary>Output width.</summary>
    public int Units { get; }

    /// <summary>Output activation.</summary>
    public Activation Activation { get; }
}

/// <summary>Runs the recurrent layer it modifies forwards and backwards in time and merges both outputs.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public sealed class BidirectionalAttribute : Attribute
{
    /// <summary>How the two directions' outputs are combined; <see cref="MergeMode.Concat"/> by default.</summary>
    public MergeMode Merge { get; set; }
}
