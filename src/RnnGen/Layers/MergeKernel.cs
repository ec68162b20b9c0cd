using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace RnnGen.Layers;

/// <summary>Combines the two directions of a bidirectional layer.</summary>
public static class MergeKernel
{
    /// <summary>
    /// forward, backward: <c>[rows, units]</c>; output <c>[rows, 2·units]</c> for <see cref="MergeMode.Concat"/>
    /// (forward first), <c>[rows, units]</c> otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(MergeMode mode, int rows, int units, ReadOnlySpan<float> forward, ReadOnlySpan<float> backward, Span<float> output)
    {
        int n = rows * units;
        switch (mode)
        {
            case MergeMode.Concat:
                for (int r = 0; r < rows; r++)
                {
                    forward.Slice(r * units, units).CopyTo(output.Slice(2 * r * units, units));
                    backward.Slice(r * units, units).CopyTo(output.Slice((2 * r + 1) * units, units));
                }

                break;
            case MergeMode.Sum:
                TensorPrimitives.Add(forward.Slice(0, n), backward.Slice(0, n), output.Slice(0, n));
                break;
            case MergeMode.Average:
                TensorPrimitives.Add(forward.Slice(0, n), backward.Slice(0, n), output.Slice(0, n));
                TensorPrimitives.Multiply(output.Slice(0, n), 0.5f, output.Slice(0, n));
                break;
            case MergeMode.Multiply:
                TensorPrimitives.Multiply(forward.Slice(0, n), backward.Slice(0, n), output.Slice(0, n));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown merge mode.");
        }
    }

    /// <summary>Overwrites dForward and dBackward (<c>[rows, units]</c>) from dOutput.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(MergeMode mode, int rows, int units, ReadOnlySpan<float> forward, ReadOnlySpan<float> backward,
        ReadOnlySpan<float> dOutput, Span<float> dForward, Span<float> dBackward)
    {
        int n = rows * units;
        switch (mode)
        {
            case MergeMode.Concat:
                for (int r = 0; r < rows; r++)
                {
                    dOutput.Slice(2 * r * units, units).CopyTo(dForward.Slice(r * units, units));
                    dOutput.Slice((2 * r + 1) * units, units).CopyTo(dBackward.Slice(r * units, units));
                }

                break;
            case MergeMode.Sum:
                dOutput.Slice(0, n).CopyTo(dForward);
                dOutput.Slice(0, n).CopyTo(dBackward);
                break;
            case MergeMode.Average:
                TensorPrimitives.Multiply(dOutput.Slice(0, n), 0.5f, dForward.Slice(0, n));
                TensorPrimitives.Multiply(dOutput.Slice(0, n), 0.5f, dBackward.Slice(0, n));
                break;
            case MergeMode.Multiply:
                // forward: y = a ⊙ b, so da = dy ⊙ b and db = dy ⊙ a
                TensorPrimitives.Multiply(dOutput.Slice(0, n), backward.Slice(0, n), dForward.Slice(0, n));
                TensorPrimitives.Multiply(dOutput.Slice(0, n), forward.Slice(0, n), dBackward.Slice(0, n));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown merge mode.");
        }
    }
}
