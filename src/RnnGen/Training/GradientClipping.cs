using System.Numerics.Tensors;

namespace RnnGen.Training;

/// <summary>Gradient clipping (Pascanu et al. 2013): by global L2 norm and by value.</summary>
public static class GradientClipping
{
    /// <summary>If ‖g‖₂ &gt; <paramref name="maxNorm"/>, rescales g ← maxNorm · g / ‖g‖₂. Returns the norm before clipping.</summary>
    public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm)
    {
        if (!(maxNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"maxNorm: expected a positive norm but got {maxNorm}.");
        }

        float norm = gradients.IsEmpty ? 0f : TensorPrimitives.Norm(gradients);
        if (norm > maxNorm)
        {
            TensorPrimitives.Multiply(gradients, maxNorm / norm, gradients);
        }

        return norm;
    }

    /// <summary>Clamps every gradient to [−<paramref name="maxValue"/>, <paramref name="maxValue"/>].</summary>
    public static void ClipByValue(Span<float> gradients, float maxValue)
    {
        if (!(maxValue > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, $"maxValue: expected a positive bound but got {maxValue}.");
        }

        if (!gradients.IsEmpty)
        {
            TensorPrimitives.Clamp(gradients, -maxValue, maxValue, gradients);
        }
    }
}
