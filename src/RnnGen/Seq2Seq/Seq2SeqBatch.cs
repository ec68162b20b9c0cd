namespace RnnGen.Seq2Seq;

/// <summary>
/// One mini-batch of an encoder-decoder model, batch-first, as views: source token ids with their lengths, and the target
/// sequences the decoder must produce (each ending with the model's end token) with theirs.
/// </summary>
public readonly ref struct Seq2SeqBatch
{
    /// <summary>Creates a batch with teacher forcing on every step.</summary>
    public Seq2SeqBatch()
    {
        TeacherForcing = 1f;
    }

    /// <summary>Pairs in the batch (B).</summary>
    public int BatchSize { get; init; }

    /// <summary>Padded source steps S.</summary>
    public int SourceSteps { get; init; }

    /// <summary><c>[B, S]</c> source token ids.</summary>
    public ReadOnlySpan<int> Source { get; init; }

    /// <summary><c>[B]</c> source lengths in 1 … S; empty: all S.</summary>
    public ReadOnlySpan<int> SourceLengths { get; init; }

    /// <summary>Padded target steps T (the decoder runs T steps).</summary>
    public int TargetSteps { get; init; }

    /// <summary><c>[B, T]</c> target token ids: what the decoder should output at each step (the end token last).</summary>
    public ReadOnlySpan<int> Targets { get; init; }

    /// <summary><c>[B]</c> target lengths in 1 … T (end token included); empty: all T. Padded steps do not count in the loss.</summary>
    public ReadOnlySpan<int> TargetLengths { get; init; }

    /// <summary>
    /// Probability that the decoder is fed the true previous token (teacher forcing) rather than its own most likely
    /// output (scheduled sampling, Bengio et al. 2015). 1 (default): always the true token.
    /// </summary>
    public float TeacherForcing { get; init; }
}
