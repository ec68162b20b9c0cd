using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Layers;

/// <summary>Fully connected layer kernels: <c>y = act(x · Wᵀ + b)</c> over rows.</summary>
public static class DenseKernel
{
    /// <summary><c>y[rows, units] = act(x[rows, inputSize] · Wᵀ + b)</c>; W is <c>[units, inputSize]</c> (PyTorch layout). Softmax is over each row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int rows, int inputSize, int units, Activation activation,
        ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        // z = b (broadcast over rows), then z += x · Wᵀ
        for (int r = 0; r < rows; r++)
        {
            bias.CopyTo(y.Slice(r * units, units));
        }

        Gemm.MultiplyNT(rows, units, inputSize, x, xStride, weight, inputSize, y, units, accumulate: true);
        Activations.Apply(activation, y.Slice(0, rows * units), units);
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>. <paramref name="dy"/> holds ∂L/∂y on entry (or ∂L/∂z, the pre-activation
    /// gradient, when <paramref name="dyIsPreActivation"/> — a loss fused with the activation) and is used as scratch.
    /// Accumulates dWeight, dBias; accumulates dx (stride xStride) unless empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(int rows, int inputSize, int units, Activation activation,
        ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> weight, ReadOnlySpan<float> y,
        Span<float> dy, bool dyIsPreActivation, Span<float> dWeight, Span<float> dBias, Span<float> dx)
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        Span<float> dz = dy.Slice(0, rows * units);
        if (!dyIsPreActivation)
        {
            ActivationBackward(activation, y.Slice(0, rows * units), dz, units);
        }

        // ∂b += Σ_rows ∂z
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(dBias, dz.Slice(r * units, units), dBias);
        }

        // ∂W[units, in] += ∂zᵀ · x
        Gemm.MultiplyTN(units, inputSize, rows, dz, units, x, xStride, dWeight, inputSize, accumulate: true);

        // ∂x[rows, in] += ∂z · W
        if (!dx.IsEmpty)
        {
            Gemm.MultiplyNN(rows, inputSize, units, dz, units, weight, inputSize, dx, xStride, accumulate: true);
        }
    }

    /// <summary>In place: <c>dz = dy ⊙ act'(z)</c>, with the derivative written in terms of the output y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ActivationBackward(Activation activation, ReadOnlySpan<float> y, Span<float> d, int width)
    {
        switch (activation)
        {
            case Activation.Linear:
                break;
            case Activation.Tanh:
                // forward: y = tanh(z), so dz = dy ⊙ (1 − y²)
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] *= 1 - y[i] * y[i];
                }

                break;
            case Activation.Sigmoid:
                // forward: y = σ(z), so dz = dy ⊙ y ⊙ (1 − y)
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] *= y[i] * (1 - y[i]);
                }

                break;
            case Activation.Relu:
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = y[i] > 0 ? d[i] : 0;
                }

                break;
            case Activation.Softmax:
                // forward: y = softmax(z) per row, so dz = y ⊙ (dy − Σ_k dy_k y_k)
                for (int start = 0; start < d.Length; start += width)
                {
                    Span<float> dr = d.Slice(start, width);
                    ReadOnlySpan<float> yr = y.Slice(start, width);
                    float dot = TensorPrimitives.Dot(dr, yr);
                    for (int k = 0; k < width; k++)
                    {
                        dr[k] = yr[k] * (dr[k] - dot);
                    }
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }
}
