namespace RnnGen.Embeddings;

/// <summary>Which of word2vec's two policies <see cref="Word2Vec"/> trains.</summary>
public enum Word2VecArchitecture
{
    /// <summary>Skip-gram: predict each context word from the centre word (better for rare words).</summary>
    SkipGram,

    /// <summary>Continuous bag of words: predict the centre word from the mean of its context (faster).</summary>
    Cbow,
}

/// <summary>
/// Settings of <see cref="Word2Vec.Train(IEnumerable{IReadOnlyList{string}}, Word2VecOptions?)"/>; the defaults are those of
/// Mikolov's <c>word2vec.c</c> (negative sampling, window 5, sub-sampling 1e-3), with 100 dimensions.
/// </summary>
public sealed record Word2VecOptions
{
    /// <summary>Skip-gram (default) or CBOW.</summary>
    public Word2VecArchitecture Architecture { get; init; } = Word2VecArchitecture.SkipGram;

    /// <summary>Length of each word vector. Default 100.</summary>
    public int Dimensions { get; init; } = 100;

    /// <summary>Largest distance between the centre word and a context word; each position draws a window of 1 … this. Default 5.</summary>
    public int Window { get; init; } = 5;

    /// <summary>Noise words drawn (from the unigram distribution raised to 0.75) per true pair. Default 5.</summary>
    public int NegativeSamples { get; init; } = 5;

    /// <summary>Words seen fewer times are dropped from the vocabulary and from the text before windowing. Default 5.</summary>
    public int MinCount { get; init; } = 5;

    /// <summary>Passes over the text. Default 5.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Starting learning rate, decayed linearly to <see cref="MinLearningRateFraction"/> of it. Default: 0.025 for skip-gram, 0.05 for CBOW.</summary>
    public float? LearningRate { get; init; }

    /// <summary>The learning rate never falls below this fraction of the starting one. Default 1e-4.</summary>
    public float MinLearningRateFraction { get; init; } = 1e-4f;

    /// <summary>Sub-sampling threshold of frequent words (0 turns it off). Default 1e-3.</summary>
    public double Subsample { get; init; } = 1e-3;

    /// <summary>Seed of the initial vectors, the windows, the sub-sampling and the noise words. Default 1.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>
    /// Threads that train at once, each on its own contiguous share of the text, updating the shared vectors without
    /// locks (as <c>word2vec.c</c> does). Default: <see cref="Parallelism.Threads"/>. With 1 the result is bitwise
    /// repeatable for a seed; with more, runs differ by the order in which threads' updates interleave.
    /// </summary>
    public int? Threads { get; init; }

    internal void Validate()
    {
        Check(Dimensions, 1, 10_000, nameof(Dimensions));
        Check(Window, 1, 1_000, nameof(Window));
        Check(NegativeSamples, 1, 1_000, nameof(NegativeSamples));
        Check(MinCount, 1, int.MaxValue, nameof(MinCount));
        Check(Epochs, 1, 100_000, nameof(Epochs));
        if (Threads is { } threads)
        {
            Check(threads, 1, Threading.WorkerPool.MaxThreads, nameof(Threads));
        }

        if (LearningRate is { } rate && !(rate > 0 && float.IsFinite(rate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), rate, $"Word2VecOptions.LearningRate: expected a finite value above 0, got {rate}.");
        }

        if (!(MinLearningRateFraction is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinLearningRateFraction), MinLearningRateFraction,
                $"Word2VecOptions.MinLearningRateFraction: expected 0 … 1, got {MinLearningRateFraction}.");
        }

        if (!(Subsample >= 0 && double.IsFinite(Subsample)))
        {
            throw new ArgumentOutOfRangeException(nameof(Subsample), Subsample, $"Word2VecOptions.Subsample: expected a finite value ≥ 0, got {Subsample}.");
        }
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Word2VecOptions.{name}: expected {min} … {max}, got {value}.");
        }
    }
}
