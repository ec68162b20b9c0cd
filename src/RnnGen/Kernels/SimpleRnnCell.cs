using RnnGen.Layers;

namespace RnnGen.Kernels;

/// <summary>
/// Where each slice of a SimpleRnn direction's cache lives, R = B·T rows: the activations h_t, then backward scratch
/// (∂pre, the states each step started from, the per-step ∂h and ∂h_new), then the packed copy of W_hh.
/// </summary>
internal readonly struct SimpleRnnCache(int batch, int time, int units)
{
    private readonly int _r = batch * time, _b = batch, _h = units;

    /// <summary>[R, H] h_t = act(pre_t) (the pre-activations until the activation runs).</summary>
    public int Activations => 0;

    /// <summary>[R, H] ∂loss/∂pre.</summary>
    public int PreActivationGradients => _r * _h;

    /// <summary>[R, H] h_(t−1) of every step.</summary>
    public int PreviousHidden => 2 * _r * _h;

    /// <summary>[B, H] ∂h carried back through the steps.</summary>
    public int HiddenGradient => 3 * _r * _h;

    /// <summary>[B, H] ∂h_(t−1) of one step.</summary>
    public int NewHiddenGradient => HiddenGradient + _b * _h;

    /// <summary>The packed copy of W_hh(ᵀ) for the per-step products.</summary>
    public int Packed => NewHiddenGradient + _b * _h;

    /// <summary>Floats of the whole cache.</summary>
    public int Size => Packed + RecurrentCommon.PackedRecurrentSize(_h, _h);
}

/// <summary>The Elman cell's math, forward and derivative side by side: <c>h = act(pre)</c> with act = tanh, relu or sigmoid.</summary>
internal static class SimpleRnnCell
{
    /// <summary>In place: <c>h = act(pre)</c> on one row.</summary>
    public static void Forward(Activation activation, Span<float> row) => Activations.Apply(activation, row, row.Length);

    /// <summary>In place: <c>∂pre = ∂h ⊙ act′(pre)</c> on one row, the derivative written with the output h.</summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> hidden, Span<float> gradient)
        => DenseKernel.ActivationBackward(activation, hidden, gradient, gradient.Length);
}
