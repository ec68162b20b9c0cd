namespace RnnGen.Training;

/// <summary>
/// Losses fused with the output activation where the math allows, over <c>rows</c> rows (one per sequence, or one per
/// step of a many-to-many model). <c>rowWeights</c> (empty = all 1) masks rows: a padded step has weight 0 and contributes
/// neither to the loss nor to the gradient. Each returns the weighted mean loss and writes the gradient of that mean.
/// </summary>
public static class Losses
{
    /// <summary>
    /// Softmax + categorical cross-entropy. L = Σ_r w_r · (−log softmax(z_r)[y_r]) / Σ_r w_r;
    /// ∂L/∂z_r = w_r (p_r − onehot(y_r)) / Σ w. Numerically stable (max subtraction).
    /// </summary>
    public static float SoftmaxCrossEntropy(int rows, int classes, ReadOnlySpan<float> logits, ReadOnlySpan<int> targets,
        ReadOnlySpan<float> rowWeights, Span<float> probabilities, Span<float> dLogits)
    {
        double total = TotalWeight(rows, rowWeights);
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * classes, classes);
            Span<float> p = probabilities.Slice(r * classes, classes);
            Span<float> dz = dLogits.Slice(r * classes, classes);
            float w = rowWeights.IsEmpty ? 1f : rowWeights[r];
            int y = targets[r];
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
    /// Sigmoid + binary cross-entropy, averaged over rows and units: L = Σ w (max(z,0) − z·y + log(1 + e^(−|z|))) / (Σw · units);
    /// ∂L/∂z = w (σ(z) − y) / (Σw · units).
    /// </summary>
    public static float SigmoidBinaryCrossEntropy(int rows, int units, ReadOnlySpan<float> logits, ReadOnlySpan<float> targets,
        ReadOnlySpan<float> rowWeights, Span<float> probabilities, Span<float> dLogits)
    {
        double total = TotalWeight(rows, rowWeights) * units;
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
                if (w == 0)
                {
                    dLogits[i] = 0;
                    continue;
                }

                loss += w * (Math.Max(z, 0) - z * y + Math.Log(1 + Math.Exp(-Math.Abs(z))));
                dLogits[i] = (float)(w * (p - y) / total);
            }
        }

        return total == 0 ? 0f : (float)(loss / total);
    }

    /// <summary>
    /// Mean squared error averaged over rows and outputs (Keras's scaling): L = Σ w (ŷ − y)² / (Σw · units);
    /// ∂L/∂ŷ = 2 w (ŷ − y) / (Σw · units).
    /// </summary>
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
