using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnGen.Training;

/// <summary>The check between a batch's backward pass and its update: a non-finite loss or gradient stops training before it reaches the parameters.</summary>
internal static class FiniteStep
{
    /// <summary>Throws <see cref="NotFiniteNumberException"/> naming <paramref name="epoch"/> and <paramref name="batch"/> unless the loss and every gradient are finite.</summary>
    public static void Check(float loss, ReadOnlySpan<float> gradients, int epoch, int batch)
    {
        if (!float.IsFinite(loss))
        {
            throw new NotFiniteNumberException($"Fit: the loss of epoch {epoch}, batch {batch} is {loss}; training stopped and the parameters keep the values of the last finite step. Lower the learning rate, clip the gradients or check the data.", loss);
        }

        if (!AllFinite(gradients))
        {
            throw new NotFiniteNumberException($"Fit: the gradients of epoch {epoch}, batch {batch} are not finite (loss {loss}); training stopped and the parameters keep the values of the last finite step. Lower the learning rate, clip the gradients or check the data.", loss);
        }
    }

    /// <summary>Whether no value is NaN or infinite: x − x is 0 for every finite x and NaN otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool AllFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            Vector<float> sum = Vector<float>.Zero;
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(values.Slice(i));
                sum += v - v;
            }

            if (!Vector.EqualsAll(sum, Vector<float>.Zero))
            {
                return false;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return false;
            }
        }

        return true;
    }
}
