namespace RnnGen.Data;

/// <summary>
/// Evaluation metrics as plain functions of predictions and targets: classification (accuracy, per-class precision and
/// recall, macro F1), regression (RMSE, MAE) and language modelling (perplexity, bits per token from a mean loss in nats).
/// </summary>
public static class Metrics
{
    /// <summary>The fraction of positions where <paramref name="predicted"/> equals <paramref name="actual"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    public static double Accuracy(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual)
    {
        SameLength(predicted.Length, actual.Length);
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            if (predicted[i] == actual[i]) correct++;
        }

        return (double)correct / predicted.Length;
    }

    /// <summary>
    /// Per class c: precision = TP / (TP + FP) and recall = TP / (TP + FN), 0 where the denominator is 0
    /// (scikit-learn's <c>zero_division=0</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class id is outside 0…classCount − 1.</exception>
    public static (double[] Precision, double[] Recall) PrecisionRecall(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, int classCount)
    {
        (int[] tp, int[] predictedCount, int[] actualCount) = Confusion(predicted, actual, classCount);
        var precision = new double[classCount];
        var recall = new double[classCount];
        for (int c = 0; c < classCount; c++)
        {
            precision[c] = predictedCount[c] == 0 ? 0 : (double)tp[c] / predictedCount[c];
            recall[c] = actualCount[c] == 0 ? 0 : (double)tp[c] / actualCount[c];
        }

        return (precision, recall);
    }

    /// <summary>
    /// The unweighted mean over classes of F1 = 2·P·R / (P + R) (0 where P + R = 0), over the classes that occur in
    /// <paramref name="actual"/> or <paramref name="predicted"/> (as scikit-learn's <c>f1_score(average="macro")</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class id is outside 0…classCount − 1.</exception>
    public static double MacroF1(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, int classCount)
    {
        (int[] tp, int[] predictedCount, int[] actualCount) = Confusion(predicted, actual, classCount);
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < classCount; c++)
        {
            if (predictedCount[c] + actualCount[c] == 0) continue;
            classes++;
            sum += 2.0 * tp[c] / (predictedCount[c] + actualCount[c]); // 2PR/(P+R) = 2TP/(2TP+FP+FN)
        }

        return sum / classes;
    }

    /// <summary>Root mean squared error, √(mean (predicted − actual)²).</summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    public static double RootMeanSquaredError(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        SameLength(predicted.Length, actual.Length);
        double sum = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            double d = (double)predicted[i] - actual[i];
            sum += d * d;
        }

        return Math.Sqrt(sum / predicted.Length);
    }

    /// <summary>Mean absolute error, mean |predicted − actual|.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    public static double MeanAbsoluteError(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        SameLength(predicted.Length, actual.Length);
        double sum = 0;
        for (int i = 0; i < predicted.Length; i++) sum += Math.Abs((double)predicted[i] - actual[i]);
        return sum / predicted.Length;
    }

    /// <summary>Perplexity, <c>exp(loss)</c>, from a mean cross-entropy <paramref name="meanLossNats"/> in nats per token.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="meanLossNats"/> is negative or NaN.</exception>
    public static double Perplexity(double meanLossNats) => Math.Exp(CheckLoss(meanLossNats));

    /// <summary>Bits per character (or per token), <c>loss / ln 2</c>, from a mean cross-entropy in nats per token.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="meanLossNats"/> is negative or NaN.</exception>
    public static double BitsPerCharacter(double meanLossNats) => CheckLoss(meanLossNats) / Math.Log(2);

    private static double CheckLoss(double loss) => loss >= 0
        ? loss
        : throw new ArgumentOutOfRangeException("meanLossNats", loss, $"meanLossNats: expected a mean loss of at least 0 nats but got {loss}.");

    private static (int[] TruePositives, int[] Predicted, int[] Actual) Confusion(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, int classCount)
    {
        SameLength(predicted.Length, actual.Length);
        TokenWindows.Positive(classCount, nameof(classCount));
        var tp = new int[classCount];
        var predictedCount = new int[classCount];
        var actualCount = new int[classCount];
        for (int i = 0; i < predicted.Length; i++)
        {
            int p = predicted[i], a = actual[i];
            if ((uint)p >= (uint)classCount) throw new ArgumentOutOfRangeException(nameof(predicted), p, $"predicted[{i}]: expected a class in 0…{classCount - 1} but got {p}.");
            if ((uint)a >= (uint)classCount) throw new ArgumentOutOfRangeException(nameof(actual), a, $"actual[{i}]: expected a class in 0…{classCount - 1} but got {a}.");
            predictedCount[p]++;
            actualCount[a]++;
            if (p == a) tp[p]++;
        }

        return (tp, predictedCount, actualCount);
    }

    private static void SameLength(int predicted, int actual)
    {
        if (predicted != actual)
        {
            throw new ArgumentException($"actual: expected as many values as predicted, {predicted}, but got {actual}.", nameof(actual));
        }

        if (predicted == 0)
        {
            throw new ArgumentException("predicted: expected at least one value but got 0.", nameof(predicted));
        }
    }
}
