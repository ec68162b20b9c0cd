using RnnGen.Data;
using RnnGen.Generated;

namespace RnnGen.Training;

/// <summary>
/// What <see cref="Trainer.Fit"/> and <see cref="Trainer.Evaluate"/> check of a data set before the first batch runs, so that a
/// bad example is reported before any parameter changes: every token id in the vocabulary, every length in 1 … T, every
/// feature finite, every class id in range, every float target finite (in [0, 1] for binary cross-entropy). Steps past an
/// example's length are padding: their features and targets are ignored by the model and the loss, so they are not checked.
/// </summary>
internal static class DataValidation
{
    private const int Chunk = 256;

    /// <summary>The training and validation sets of a Fit: <paramref name="data"/> and the given validation data, or the tail <see cref="FitOptions.ValidationSplit"/> holds out.</summary>
    public static (SequenceDataSet Training, SequenceDataSet? Validation) Split(SequenceDataSet data, FitOptions options)
    {
        double split = options.ValidationSplit;
        if (!(split >= 0 && split < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), split, $"options.ValidationSplit: expected a fraction in [0, 1) but got {split}.");
        }

        NotEmpty(data, "data", nameof(data));
        if (options.ValidationData is { } given)
        {
            NotEmpty(given, "options.ValidationData", nameof(options));
            return (data, given);
        }

        if (split == 0)
        {
            return (data, null);
        }

        (SequenceDataSet training, SequenceDataSet validation) = data.SplitTail(split);
        if (training.Count == 0 || validation.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), split,
                $"options.ValidationSplit: {split} of {data.Count} examples leaves {training.Count} to train on and {validation.Count} to validate on; each needs at least one.");
        }

        return (training, validation);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="name"/>, the example index and the field of the first bad value.</summary>
    public static void Check(ITrainableModel model, SequenceDataSet data, string name, string parameter = "data")
    {
        NotEmpty(data, name, parameter);
        int vocabulary = model is ICoreModel core ? core.Core.Info.VocabularySize : 0;
        int T = data.TimeSteps, F = data.FeatureSize, classes = model.ModelOutputSize;
        int targetRows = model.OutputIsSequence ? T : 1, width = data.HasClassTargets ? 1 : data.TargetsPerExample / targetRows;
        bool probabilities = model.Loss == Loss.BinaryCrossEntropy;
        var buffers = new BatchBuffers();
        int[] indices = new int[Math.Min(Chunk, data.Count)];
        for (int start = 0; start < data.Count; start += Chunk)
        {
            int n = Math.Min(Chunk, data.Count - start);
            for (int i = 0; i < n; i++) indices[i] = start + i;
            SequenceBatch batch = data.FillBatch(indices.AsSpan(0, n), buffers);
            for (int i = 0; i < n; i++)
            {
                int e = start + i, length = batch.Lengths.IsEmpty ? T : batch.Lengths[i];
                if (length < 1 || length > T)
                {
                    throw Bad(parameter, $"{name}[{e}].Lengths: expected a length in 1…{T} (the time steps) but got {length}.");
                }

                if (data.HasTokens)
                {
                    ReadOnlySpan<int> tokens = batch.Tokens.Slice(i * T, T);
                    for (int t = 0; t < T; t++)
                    {
                        if (tokens[t] < 0 || (vocabulary > 0 && tokens[t] >= vocabulary))
                        {
                            throw Bad(parameter, $"{name}[{e}].Tokens[{t}]: expected a token id in 0…{vocabulary - 1} but got {tokens[t]}.");
                        }
                    }
                }
                else
                {
                    ReadOnlySpan<float> inputs = batch.Inputs.Slice(i * T * F, length * F);
                    for (int j = 0; j < inputs.Length; j++)
                    {
                        if (!float.IsFinite(inputs[j]))
                        {
                            throw Bad(parameter, $"{name}[{e}].Inputs[{j / F}, {j % F}]: expected a finite feature but got {inputs[j]}.");
                        }
                    }
                }

                int rows = model.OutputIsSequence ? length : 1; // targets of padded steps are ignored by the loss
                if (data.HasClassTargets)
                {
                    ReadOnlySpan<int> ids = batch.ClassTargets.Slice(i * targetRows, rows);
                    for (int j = 0; j < ids.Length; j++)
                    {
                        if ((uint)ids[j] >= (uint)classes)
                        {
                            throw Bad(parameter, $"{name}[{e}].ClassTargets[{j}]: expected a class id in 0…{classes - 1} but got {ids[j]}.");
                        }
                    }
                }
                else
                {
                    ReadOnlySpan<float> targets = batch.Targets.Slice(i * targetRows * width, rows * width);
                    for (int j = 0; j < targets.Length; j++)
                    {
                        float y = targets[j];
                        if (probabilities ? !(y >= 0f && y <= 1f) : !float.IsFinite(y))
                        {
                            string expected = probabilities ? "a binary cross-entropy target in [0, 1]" : "a finite target";
                            throw Bad(parameter, $"{name}[{e}].Targets[{j}]: expected {expected} but got {y}.");
                        }
                    }
                }
            }
        }
    }

    private static void NotEmpty(SequenceDataSet data, string name, string parameter)
    {
        if (data.Count == 0)
        {
            throw Bad(parameter, $"{name}: expected at least one example but the data set is empty.");
        }
    }

    private static ArgumentException Bad(string parameter, string message) => new(message, parameter);
}
