using System.ComponentModel;
using RnnGen.Layers;

namespace RnnGen.Generated;

/// <summary>
/// Compile-time description of one layer of a generated model: the generator emits one struct per layer that implements
/// the interface of its kind, and the runtime's layer operations take it as a type argument, so the JIT compiles them
/// with the sizes as constants.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ILayerShape
{
    /// <summary>Offset of the layer's first parameter in the model's parameter buffer.</summary>
    static abstract int ParameterOffset { get; }

    /// <summary>Dropout rate applied to the layer's output before the next layer reads it (0: none).</summary>
    static virtual float DropoutAfter => 0f;
}

/// <summary>An embedding table <c>[VocabularySize, Dimension]</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IEmbeddingShape : ILayerShape
{
    /// <summary>Number of token ids.</summary>
    static abstract int VocabularySize { get; }

    /// <summary>Floats per embedded token.</summary>
    static abstract int Dimension { get; }

    /// <summary>False for a frozen table: Backward leaves its gradient at zero.</summary>
    static virtual bool Trainable => true;
}

/// <summary>A dense layer <c>y = act(x · Wᵀ + b)</c>, W <c>[Units, InputSize]</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDenseShape : ILayerShape
{
    /// <summary>Features of one input row.</summary>
    static abstract int InputSize { get; }

    /// <summary>Outputs per row.</summary>
    static abstract int Units { get; }

    /// <summary>The output activation.</summary>
    static abstract Activation Activation { get; }

    /// <summary>Whether the layer is applied to every step (its input returns sequences) rather than one row per sequence.</summary>
    static virtual bool Sequence => false;
}

/// <summary>A recurrent layer (both directions when bidirectional), PyTorch's tensor order and layout.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRecurrentLayerShape : IRecurrentShape, ILayerShape
{
    /// <summary>The cell.</summary>
    static abstract CellKind Cell { get; }

    /// <summary>The SimpleRnn activation.</summary>
    static virtual Activation Activation => Activation.Tanh;

    /// <summary>Whether the layer outputs every step.</summary>
    static virtual bool ReturnSequences => false;

    /// <summary>Whether the layer also runs backwards in time.</summary>
    static virtual bool Bidirectional => false;

    /// <summary>How the directions are merged.</summary>
    static virtual MergeMode Merge => MergeMode.Concat;

    /// <summary>Whether the layer's input is added to its output (<c>y_t = h_t + x_t</c>).</summary>
    static virtual bool Residual => false;

    /// <summary>GRU: the reset gate applies after the recurrent product (PyTorch's form, with its own <c>bias_hh</c>).</summary>
    static virtual bool ResetAfter => true;

    /// <summary>LSTM: peephole connections from the cell to the i, f, o gates.</summary>
    static virtual bool Peepholes => false;
}

/// <summary>A tree layer over binary trees: <c>weight_ih [5H, InputSize]</c> (Tree-LSTM only), <c>weight_hh [G·H, 2H]</c>, <c>bias [G·H]</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ITreeLayerShape : ILayerShape
{
    /// <summary>Features of a leaf's input.</summary>
    static abstract int InputSize { get; }

    /// <summary>Hidden units H.</summary>
    static abstract int Units { get; }

    /// <summary>The composition cell.</summary>
    static abstract Trees.TreeCellKind Cell { get; }
}
