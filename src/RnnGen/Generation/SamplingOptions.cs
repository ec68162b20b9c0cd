namespace RnnGen.Generation;

/// <summary>
/// How the next token is chosen from a model's output distribution: greedy (<see cref="Temperature"/> 0, the default),
/// or sampled from <c>softmax(log p / Temperature)</c>, restricted to the <see cref="TopK"/> most likely tokens when
/// it is positive. <see cref="Seed"/> makes sampling reproducible. A <see cref="BeamWidth"/> above 0 replaces sampling by
/// beam search (<see cref="LanguageModelBeam"/>).
/// </summary>
public sealed record SamplingOptions
{
    /// <summary>0: always the most likely token (ties: the lowest id). Above 0: sample; below 1 sharpens, above 1 flattens.</summary>
    public float Temperature { get; init; }

    /// <summary>Sample only among the k most likely tokens; 0: all of them.</summary>
    public int TopK { get; init; }

    /// <summary>Seed of the sampling random numbers.</summary>
    public int Seed { get; init; }

    /// <summary>0: sample (or greedy) token by token. Above 0: beam search keeping that many hypotheses (Temperature and TopK must be 0).</summary>
    public int BeamWidth { get; init; }

    /// <summary>Greedy decoding.</summary>
    public static SamplingOptions Greedy { get; } = new();
}
