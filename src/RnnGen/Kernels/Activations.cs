using System.Numerics.Tensors;

namespace RnnGen.Kernels;

/// <summary>Element-wise activations over spans (vectorised by <see cref="TensorPrimitives"/>).</summary>
public static class Activations
{
    /// <summary><c>y = σ(x)</c>; y may be x.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    /// <summary><c>y = tanh(x)</c>; y may be x.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    /// <summary><c>y = max(0, x)</c>; y may be x.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary>Applies <paramref name="activation"/> in place; softmax over rows of <paramref name="width"/>.</summary>
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
                    Span<float> row = values.Slice(start, width);
                    TensorPrimitives.SoftMax(row, row);
                }

                break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }
}
