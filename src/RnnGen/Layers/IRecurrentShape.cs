namespace RnnGen.Layers;

/// <summary>
/// Compile-time sizes of one recurrent layer direction. The generator emits one struct per layer that
/// implements this; kernels take it as a type argument (<c>LstmLayer.Forward&lt;TShape&gt;</c>) so that the
/// JIT compiles a copy per shape in which the sizes are constants — the .NET counterpart of a C++ template.
/// </summary>
public interface IRecurrentShape
{
    /// <summary>Features per step fed to the layer (I).</summary>
    static abstract int InputSize { get; }

    /// <summary>Hidden units (H): the width of the gates and, for an LSTM, of the cell state.</summary>
    static abstract int Units { get; }

    /// <summary>
    /// LSTM only: P &gt; 0 projects each step's <c>o ⊙ tanh(c)</c> to <c>h = W_hr (o ⊙ tanh(c))</c> of P units (PyTorch's
    /// <c>proj_size</c>), so h — the output, the recurrent input and the state — has P floats; 0: no projection.
    /// </summary>
    static virtual int ProjectionSize => 0;
}

/// <summary>Sizes derived from a <see cref="IRecurrentShape"/>.</summary>
internal static class RecurrentShape
{
    /// <summary>Floats of h (the output, the recurrent input and the hidden state): P with a projection, H otherwise.</summary>
    public static int HiddenSize<TShape>() where TShape : IRecurrentShape
        => TShape.ProjectionSize > 0 ? TShape.ProjectionSize : TShape.Units;
}
