using System.Runtime.CompilerServices;
using RnnGen.Initialization;

namespace RnnGen.Layers;

/// <summary>Inverted dropout: <c>y = x ⊙ m</c> with <c>m = 0</c> (probability <c>rate</c>) or <c>1 / (1 − rate)</c>; backward <c>∂x = ∂y ⊙ m</c>.</summary>
public static class DropoutKernel
{
    /// <summary>
    /// Training: draws the mask and applies it. Inference (<paramref name="training"/> false): y = x and the mask is left
    /// alone — no backward pass follows an inference pass (the generated models refuse one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(bool training, float rate, ReadOnlySpan<float> x, Span<float> mask, Span<float> y, DeterministicRandom random)
    {
        if (!training || rate == 0f)
        {
            x.CopyTo(y);
            return;
        }

        float keep = 1f / (1f - rate);
        for (int i = 0; i < x.Length; i++)
        {
            float m = random.NextFloat() < rate ? 0f : keep;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }

    /// <summary>In place: <c>d ⊙= mask</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> mask, Span<float> d)
        => System.Numerics.Tensors.TensorPrimitives.Multiply(d, mask.Slice(0, d.Length), d);
}
