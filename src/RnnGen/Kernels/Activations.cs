using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.Kernels;

/// <summary>Element-wise activations over spans: σ and tanh by <see cref="GateMath"/>'s vector forms (the ones the fused gate
/// rows use) through <see cref="VectorLoop"/> with a <see cref="TensorPrimitives"/> tail, the rest by <see cref="TensorPrimitives"/>.</summary>
public static class Activations
{
    /// <summary><c>y = σ(x)</c>; y may be x.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        int done = Vectorized<SigmoidOperator>(x, y);
        if (done < x.Length)
        {
            TensorPrimitives.Sigmoid(x.Slice(done), y.Slice(done));
        }
    }

    /// <summary><c>y = tanh(x)</c>; y may be x.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        int done = Vectorized<TanhOperator>(x, y);
        if (done < x.Length)
        {
            TensorPrimitives.Tanh(x.Slice(done), y.Slice(done));
        }
    }

    /// <summary><c>y = max(0, x)</c>; y may be x.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        if (!x.IsEmpty)
        {
            TensorPrimitives.Max(x, 0f, y);
        }
    }

    /// <summary>Applies <paramref name="activation"/> in place; softmax over rows of <paramref name="width"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(Activation activation, Span<float> values, int width)
    {
        switch (activation)
        {
            case Activation.Linear: break;
            case Activation.Tanh: Tanh(values, values); break;
            case Activation.Relu: Relu(values, values); break;
            case Activation.Sigmoid: Sigmoid(values, values); break;
            case Activation.Softmax:
                for (int start = 0; start + width <= values.Length; start += width)
                {
                    Softmax(values.Slice(start, width));
                }

                break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>
    /// In-place softmax of one row, stable for large logits: <c>e^(z − max) / Σ e^(z − max)</c>
    /// (TensorPrimitives.SoftMax does not subtract the maximum and overflows to NaN).
    /// </summary>
    public static void Softmax(Span<float> row)
    {
        if (row.IsEmpty)
        {
            return;
        }

        float max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Exp(row, row);
        TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
    }

    /// <summary>In-place log-softmax of one row, stable: <c>z − max − log Σ e^(z − max)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LogSoftmax(Span<float> row)
    {
        if (row.IsEmpty)
        {
            return;
        }

        float max = TensorPrimitives.Max(row);
        double sum = 0;
        foreach (float z in row)
        {
            sum += Math.Exp(z - max);
        }

        TensorPrimitives.Subtract(row, max + (float)Math.Log(sum), row);
    }

    /// <summary>The vector function <typeparamref name="TOp"/> over whole vectors of x; returns how many elements it did.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static int Vectorized<TOp>(ReadOnlySpan<float> x, Span<float> y) where TOp : IRowOperator<UnaryRow>
    {
        CheckDestination(x, y);
        var row = new UnaryRow { X = ref MemoryMarshal.GetReference(x), Y = ref MemoryMarshal.GetReference(y) };
        return VectorLoop.RunVectors<TOp, UnaryRow>(row, x.Length);
    }

    private ref struct UnaryRow
    {
        public ref float X, Y;
    }

    private readonly struct SigmoidOperator : IRowOperator<UnaryRow>
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static void Invoke<TV>(in UnaryRow a, nuint j) where TV : struct, ISimdVector<TV> => TV.Store(TV.Sigmoid(TV.Load(ref a.X, j)), ref a.Y, j);
    }

    private readonly struct TanhOperator : IRowOperator<UnaryRow>
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static void Invoke<TV>(in UnaryRow a, nuint j) where TV : struct, ISimdVector<TV> => TV.Store(TV.Tanh(TV.Load(ref a.X, j)), ref a.Y, j);
    }

    private static void CheckDestination(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"y: expected at least {x.Length} elements (the length of x) but got {y.Length}.", nameof(y));
        }
    }
}
