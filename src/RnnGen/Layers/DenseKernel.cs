namespace RnnGen.Layers;

/// <summary>Fully connected layer kernels: <c>y = act(x · Wᵀ + b)</c> over rows.</summary>
public static class DenseKernel
{
    /// <summary><c>y[rows, units] = act(x[rows, inputSize] · Wᵀ + b)</c>; W is <c>[units, inputSize]</c> (PyTorch layout). Softmax is over each row.</summary>
    public static void Forward(int rows, int inputSize, int units, Activation activation,
        ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
        => throw new NotImplementedException();

    /// <summary>
    /// Backward of <see cref="Forward"/>. <paramref name="dy"/> holds ∂L/∂y on entry (or ∂L/∂z, the pre-activation
    /// gradient, when <paramref name="dyIsPreActivation"/> — a loss fused with the activation) and is used as scratch.
    /// Accumulates dWeight, dBias; accumulates dx (stride xStride) unless empty.
    /// </summary>
    public static void Backward(int rows, int inputSize, int units, Activation activation,
        ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> weight, ReadOnlySpan<float> y,
        Span<float> dy, bool dyIsPreActivation, Span<float> dWeight, Span<float> dBias, Span<float> dx)
        => throw new NotImplementedException();
}
