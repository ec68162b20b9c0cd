namespace RnnGen.Data;

/// <summary>
/// Padding of per-step targets (a tagger's class ids, a many-to-many model's values) to <c>[batch, T]</c>, beside
/// <see cref="Padding.PadSequences"/> for the input ids. Steps past a sequence's length hold the padding value.
/// </summary>
public static class TargetPadding
{
    /// <summary>
    /// Pads (after the sequence, with <paramref name="paddingValue"/>) or truncates (keeping the start) every per-step
    /// class-id sequence to <paramref name="maxLength"/>; returns the targets <c>[N, maxLength]</c> and each sequence's
    /// kept length.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 1.</exception>
    public static (int[] Targets, int[] Lengths) PadTargets(IReadOnlyList<int[]> sequences, int maxLength, int paddingValue = SpecialTokens.Padding)
        => Pad(sequences, maxLength, paddingValue);

    /// <summary>
    /// Pads or truncates every per-step float sequence to <paramref name="maxLength"/> with <paramref name="paddingValue"/>;
    /// returns the targets <c>[N, maxLength]</c> and each sequence's kept length.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 1.</exception>
    public static (float[] Targets, int[] Lengths) PadTargets(IReadOnlyList<float[]> sequences, int maxLength, float paddingValue = 0f)
        => Pad(sequences, maxLength, paddingValue);

    private static (T[] Targets, int[] Lengths) Pad<T>(IReadOnlyList<T[]> sequences, int maxLength, T paddingValue)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (maxLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"maxLength: expected at least 1 but got {maxLength}.");
        }

        var targets = new T[sequences.Count * maxLength];
        targets.AsSpan().Fill(paddingValue);
        var lengths = new int[sequences.Count];
        for (int i = 0; i < sequences.Count; i++)
        {
            T[] sequence = sequences[i] ?? throw new ArgumentNullException(nameof(sequences), $"sequences[{i}]: expected a sequence but got null.");
            int n = Math.Min(sequence.Length, maxLength);
            sequence.AsSpan(0, n).CopyTo(targets.AsSpan(i * maxLength));
            lengths[i] = n;
        }

        return (targets, lengths);
    }
}
