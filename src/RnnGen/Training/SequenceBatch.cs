namespace RnnGen.Training;

/// <summary>
/// One mini-batch, batch-first, as views: the inputs (token ids for a model that starts with an
/// embedding, floats otherwise), optional per-sequence lengths, and the targets of the model's loss.
/// </summary>
public readonly ref struct SequenceBatch
{
    /// <summary>Sequences in the batch (B).</summary>
    public int BatchSize { get; init; }

    /// <summary>Padded steps per sequence (T).</summary>
    public int TimeSteps { get; init; }

    /// <summary><c>[B, T]</c> token ids (embedding models); empty otherwise.</summary>
    public ReadOnlySpan<int> Tokens { get; init; }

    /// <summary><c>[B, T, InputSize]</c> features (models without an embedding); empty otherwise.</summary>
    public ReadOnlySpan<float> Inputs { get; init; }

    /// <summary><c>[B, ConditionSize]</c> one condition vector per sequence (models with a <c>[Conditioned]</c> layer); empty otherwise.</summary>
    public ReadOnlySpan<float> Conditions { get; init; }

    /// <summary><c>[B]</c> lengths in 1 … T; empty: every sequence has T steps.</summary>
    public ReadOnlySpan<int> Lengths { get; init; }

    /// <summary>
    /// Class indices for <see cref="Loss.CrossEntropy"/>: <c>[B]</c> for a model with one output per sequence,
    /// <c>[B, T]</c> for one per step. Empty for other losses.
    /// </summary>
    public ReadOnlySpan<int> ClassTargets { get; init; }

    /// <summary>
    /// Float targets for <see cref="Loss.BinaryCrossEntropy"/> and <see cref="Loss.MeanSquaredError"/>:
    /// <c>[B, OutputSize]</c> or <c>[B, T, OutputSize]</c>. Empty for cross-entropy.
    /// </summary>
    public ReadOnlySpan<float> Targets { get; init; }

    /// <summary>
    /// Weights of the loss terms by target class (Keras's <c>class_weight</c>): one per class for
    /// <see cref="Loss.CrossEntropy"/>, [negative, positive] for <see cref="Loss.BinaryCrossEntropy"/>. Empty: all 1.
    /// </summary>
    public ReadOnlySpan<float> ClassWeights { get; init; }
}
