using System.Runtime.CompilerServices;

namespace RnnGen.Training;

/// <summary>
/// Losses fused with the output activation where the math allows, over <c>rows</c> rows (one per sequence, or one per
/// step of a many-to-many model). <c>rowWeights</c> (empty = all 1) masks rows: a padded step has weight 0 and contributes
/// neither to the loss nor to the gradient. <c>classWeights</c> (empty = all 1; Keras's <c>class_weight</c>) further weighs
/// each term by the weight of its target class. Each returns the weighted mean loss (divided by the sum of the weights, as
/// PyTorch's <c>CrossEntropyLoss(weight=…)</c>) and writes the gradient of that mean.
/// </summary>
public static class Losses
{
    /// <summary>
    /// Softmax + categorical cross-entropy. With w_r = rowWeights[r] · classWeights[y_r]:
    /// L = Σ_r w_r · (−log softmax(z_r)[y_r]) / Σ_r w_r; ∂L/∂z_r = w_r (p_r − onehot(y_r)) / Σ w. Numerically stable (max subtraction).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="classWeights"/> is neither empty nor one weight per class.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SoftmaxCrossEntropy(int rows, int classes, ReadOnlySpan<float> logits, ReadOnlySpan<int> targets,
        ReadOnlySpan<float> rowWeights, Span<float> probabilities, Span<float> dLogits, ReadOnlySpan<float> classWeights = default)
    {
        double total = classWeights.IsEmpty ? TotalWeight(rows, rowWeights) : ClassWeightedTotal(rows, classes, targets, rowWeights, classWeights);
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * classes, classes);
            Span<float> p = probabilities.Slice(r * classes, classes);
            Span<float> dz = dLogits.Slice(r * classes, classes);
            float w = rowWeights.IsEmpty ? 1f : rowWeights[r];
            int y = targets[r];
            if (!classWeights.IsEmpty && w != 0) w *= classWeights[y]; // y checked by ClassWeightedTotal
            float max = float.NegativeInfinity;
            for (int k = 0; k < classes; k++)
            {
                max = MathF.Max(max, z[k]);
            }

            double sum = 0;
            for (int k = 0; k < classes; k++)
            {
                float e = MathF.Exp(z[k] - max);
                p[k] = e;
                sum += e;
            }

            float inv = (float)(1 / sum);
            for (int k = 0; k < classes; k++)
            {
                p[k] *= inv;
            }

            if (w == 0)
            {
                dz.Clear();
                continue;
            }

            if ((uint)y >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), y, $"targets[{r}]: expected a class index in 0…{classes - 1} but got {y}.");
            }

            // −log p_y = log Σ e^(z − max) − (z_y − max)
            loss += w * (Math.Log(sum) - (z[y] - max));
            float scale = (float)(w / total);
            for (int k = 0; k < classes; k++)
            {
                dz[k] = scale * (p[k] - (k == y ? 1f : 0f));
            }
        }

        return total == 0 ? 0f : (float)(loss / total);
    }

    /// <summary>
    /// Sigmoid + binary cross-entropy, averaged over rows and units: L = Σ w (max(z,0) − z·y + log(1 + e^(−|z|))) / Σw;
    /// ∂L/∂z = w (σ(z) − y) / Σw, where w = rowWeights[r] for every unit, times c₀(1 − y) + c₁y with
    /// <paramref name="classWeights"/> = [c₀, c₁] (the weight of the target's class; interpolated for soft targets).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="classWeights"/> is neither empty nor two weights.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SigmoidBinaryCrossEntropy(int rows, int units, ReadOnlySpan<float> logits, ReadOnlySpan<float> targets,
        ReadOnlySpan<float> rowWeights, Span<float> probabilities, Span<float> dLogits, ReadOnlySpan<float> classWeights = default)
    {
        CheckClassWeights(classWeights, 2);
        double total = classWeights.IsEmpty ? TotalWeight(rows, rowWeights) * units : BinaryWeightedTotal(rows, units, targets, rowWeights, classWeights);
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            float w = rowWeights.IsEmpty ? 1f : rowWeights[r];
            for (int k = 0; k < units; k++)
            {
                int i = r * units + k;
                float z = logits[i], y = targets[i];
                float p = 1f / (1f + MathF.Exp(-z));
                probabilities[i] = p;
                float wi = classWeights.IsEmpty ? w : w * (classWeights[0] * (1 - y) + classWeights[1] * y);
                if (wi == 0)
                {
                    dLogits[i] = 0;
                    continue;
                }

                loss += wi * (Math.Max(z, 0) - z * y + Math.Log(1 + Math.Exp(-Math.Abs(z))));
                dLogits[i] = (float)(wi * (p - y) / total);
            }
        }

        return total == 0 ? 0f : (float)(loss / total);
    }

    /// <summary>
    /// Mean squared error averaged over rows and outputs (Keras's scaling): L = Σ w (ŷ − y)² / (Σw · units);
    /// ∂L/∂ŷ = 2 w (ŷ − y) / (Σw · units).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float MeanSquaredError(int rows, int units, ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets,
        ReadOnlySpan<float> rowWeights, Span<float> dPredictions)
    {
        double total = TotalWeight(rows, rowWeights) * units;
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            float w = rowWeights.IsEmpty ? 1f : rowWeights[r];
            for (int k = 0; k < units; k++)
            {
                int i = r * units + k;
                float diff = predictions[i] - targets[i];
                loss += w * diff * diff;
                dPredictions[i] = w == 0 ? 0f : (float)(2 * w * diff / total);
            }
        }

        return total == 0 ? 0f : (float)(loss / total);
    }

    /// <summary>Σ_r rowWeights[r] · classWeights[y_r], checking the targets of the rows that count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ClassWeightedTotal(int rows, int classes, ReadOnlySpan<int> targets, ReadOnlySpan<float> rowWeights, ReadOnlySpan<float> classWeights)
    {
        CheckClassWeights(classWeights, classes);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            float w = rowWeights.IsEmpty ? 1f : rowWeights[r];
            if (w == 0) continue;
            int y = targets[r];
            if ((uint)y >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), y, $"targets[{r}]: expected a class index in 0…{classes - 1} but got {y}.");
            }

            total += w * classWeights[y];
        }

        return total;
    }

    /// <summary>Σ over rows and units of rowWeights[r] · (c₀(1 − y) + c₁y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double BinaryWeightedTotal(int rows, int units, ReadOnlySpan<float> targets, ReadOnlySpan<float> rowWeights, ReadOnlySpan<float> classWeights)
    {
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            float w = rowWeights.IsEmpty ? 1f : rowWeights[r];
            for (int k = 0; k < units && w != 0; k++)
            {
                float y = targets[r * units + k];
                total += w * (classWeights[0] * (1 - y) + classWeights[1] * y);
            }
        }

        return total;
    }

    private static void CheckClassWeights(ReadOnlySpan<float> classWeights, int expected)
    {
        if (!classWeights.IsEmpty && classWeights.Length != expected)
        {
            throw new ArgumentException($"classWeights: expected {expected} weights (one per class) but got {classWeights.Length}.", nameof(classWeights));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double TotalWeight(int rows, ReadOnlySpan<float> rowWeights)
    {
        if (rowWeights.IsEmpty)
        {
            return rows;
        }

        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            total += rowWeights[r];
        }

        return total;
    }
}
