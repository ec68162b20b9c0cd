namespace RnnGen.IO;

/// <summary>How strictly weight loading treats values that parse correctly.</summary>
public sealed record WeightLoadOptions
{
    /// <summary>The defaults: every value must be finite.</summary>
    public static WeightLoadOptions Default { get; } = new();

    /// <summary>
    /// Accept NaN and ±infinity among the weights (and optimizer state of a checkpoint). Off by default: a non-finite
    /// weight makes every output NaN, so a file holding one is rejected with a <see cref="InvalidDataException"/> that
    /// names the tensor and the index. Turn it on only to inspect such a file.
    /// </summary>
    public bool AllowNonFinite { get; init; }
}
