using RnnGen.Generated;
using RnnGen.Initialization;
using RnnGen.Training;

namespace RnnGen.Data;

/// <summary>
/// N examples, batch-first: token ids <c>[N, T]</c> or features <c>[N, T, F]</c>, optional lengths <c>[N]</c>, and
/// targets — class ids <c>[N]</c> / <c>[N, T]</c> or floats <c>[N, K]</c> / <c>[N, T, K]</c>.
/// </summary>
public sealed class SequenceDataSet
{
    private readonly int[]? _tokens;
    private readonly float[]? _inputs;
    private readonly int[]? _lengths;
    private readonly int[]? _classTargets;
    private readonly float[]? _targets;
    private float[]? _conditions;

    private SequenceDataSet(int count, int timeSteps, int featureSize, int[]? tokens, float[]? inputs, int[]? lengths,
        int[]? classTargets, float[]? targets, int targetsPerExample)
    {
        Count = count;
        TimeSteps = timeSteps;
        FeatureSize = featureSize;
        _tokens = tokens;
        _inputs = inputs;
        _lengths = lengths;
        _classTargets = classTargets;
        _targets = targets;
        TargetsPerExample = targetsPerExample;
        if (lengths is not null && lengths.Length != count)
        {
            throw new ArgumentException($"lengths: expected one length per example, {count}, but got {lengths.Length}.", nameof(lengths));
        }

        int targetLength = classTargets?.Length ?? targets?.Length ?? 0;
        if (targetLength != count * targetsPerExample)
        {
            throw new ArgumentException($"targets: expected {count}·{targetsPerExample} = {count * targetsPerExample} values but got {targetLength}.", classTargets is null ? nameof(targets) : nameof(classTargets));
        }
    }

    /// <summary>Token-id inputs <c>[count, timeSteps]</c> with class-id targets (<c>[count]</c>, or <c>[count, timeSteps]</c> when <paramref name="targetsPerStep"/>).</summary>
    public static SequenceDataSet FromTokens(int[] tokens, int count, int timeSteps, int[] classTargets, int[]? lengths = null, bool targetsPerStep = false)
        => new(count, timeSteps, 0, Check(tokens, count * timeSteps, nameof(tokens)), null, lengths, classTargets, null, targetsPerStep ? timeSteps : 1);

    /// <summary>Token-id inputs with float targets, <paramref name="targetWidth"/> per example (or per step when <paramref name="targetsPerStep"/>).</summary>
    public static SequenceDataSet FromTokens(int[] tokens, int count, int timeSteps, float[] targets, int targetWidth, int[]? lengths = null, bool targetsPerStep = false)
        => new(count, timeSteps, 0, Check(tokens, count * timeSteps, nameof(tokens)), null, lengths, null, targets, (targetsPerStep ? timeSteps : 1) * targetWidth);

    /// <summary>Float inputs <c>[count, timeSteps, featureSize]</c> with float targets.</summary>
    public static SequenceDataSet FromFloats(float[] inputs, int count, int timeSteps, int featureSize, float[] targets, int targetWidth, int[]? lengths = null, bool targetsPerStep = false)
        => new(count, timeSteps, featureSize, null, Check(inputs, count * timeSteps * featureSize, nameof(inputs)), lengths, null, targets, (targetsPerStep ? timeSteps : 1) * targetWidth);

    /// <summary>Float inputs with class-id targets.</summary>
    public static SequenceDataSet FromFloats(float[] inputs, int count, int timeSteps, int featureSize, int[] classTargets, int[]? lengths = null, bool targetsPerStep = false)
        => new(count, timeSteps, featureSize, null, Check(inputs, count * timeSteps * featureSize, nameof(inputs)), lengths, classTargets, null, targetsPerStep ? timeSteps : 1);

    /// <summary>
    /// This data set with one condition vector per example, <c>[Count, conditionSize]</c> (copied), for a model with a
    /// <c>[Conditioned]</c> layer: each example's sequence is generated from its vector.
    /// </summary>
    public SequenceDataSet WithConditions(float[] conditions, int conditionSize)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        Guard.Positive(nameof(conditionSize), conditionSize);
        Check(conditions, Count * conditionSize, nameof(conditions));
        for (int i = 0; i < conditions.Length; i++)
        {
            if (!float.IsFinite(conditions[i]))
            {
                throw new ArgumentException($"conditions[{i}]: expected a finite value but got {conditions[i]}.", nameof(conditions));
            }
        }

        var copy = new SequenceDataSet(Count, TimeSteps, FeatureSize, _tokens, _inputs, _lengths, _classTargets, _targets, TargetsPerExample);
        copy._conditions = (float[])conditions.Clone();
        copy.ConditionSize = conditionSize;
        return copy;
    }

    private static T[] Check<T>(T[] values, int expected, string name)
        => values.Length == expected ? values : throw new ArgumentException($"{name}: expected {expected} values but got {values.Length}.", name);

    /// <summary>Number of examples.</summary>
    public int Count { get; }

    /// <summary>Padded steps per example.</summary>
    public int TimeSteps { get; }

    /// <summary>Floats per step (0 for token inputs).</summary>
    public int FeatureSize { get; }

    /// <summary>Floats of each example's condition vector (0: none; see <see cref="WithConditions"/>).</summary>
    public int ConditionSize { get; private set; }

    /// <summary>Target values per example.</summary>
    public int TargetsPerExample { get; }

    /// <summary>Whether inputs are token ids.</summary>
    public bool HasTokens => _tokens is not null;

    /// <summary>Whether targets are class ids.</summary>
    public bool HasClassTargets => _classTargets is not null;

    /// <summary>Whether per-example lengths are given.</summary>
    public bool HasLengths => _lengths is not null;

    private int InputWidth => HasTokens ? TimeSteps : TimeSteps * FeatureSize;

    /// <summary>The examples at <paramref name="indices"/>, in that order (copied).</summary>
    public SequenceDataSet Subset(ReadOnlySpan<int> indices)
    {
        int n = indices.Length, w = InputWidth, k = TargetsPerExample;
        int[]? tokens = _tokens is null ? null : new int[n * w];
        float[]? inputs = _inputs is null ? null : new float[n * w];
        int[]? lengths = _lengths is null ? null : new int[n];
        int[]? classes = _classTargets is null ? null : new int[n * k];
        float[]? targets = _targets is null ? null : new float[n * k];
        int c = ConditionSize;
        float[]? conditions = _conditions is null ? null : new float[n * c];
        for (int i = 0; i < n; i++)
        {
            int e = indices[i];
            if ((uint)e >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), e, $"indices[{i}]: expected an example index in 0…{Count - 1} but got {e}.");
            }

            if (tokens is not null) Array.Copy(_tokens!, e * w, tokens, i * w, w);
            if (inputs is not null) Array.Copy(_inputs!, e * w, inputs, i * w, w);
            if (lengths is not null) lengths[i] = _lengths![e];
            if (classes is not null) Array.Copy(_classTargets!, e * k, classes, i * k, k);
            if (targets is not null) Array.Copy(_targets!, e * k, targets, i * k, k);
            if (conditions is not null) Array.Copy(_conditions!, e * c, conditions, i * c, c);
        }

        return new SequenceDataSet(n, TimeSteps, FeatureSize, tokens, inputs, lengths, classes, targets, k) { _conditions = conditions, ConditionSize = c };
    }

    /// <summary>A seeded random split: <paramref name="firstFraction"/> of the examples, then the rest.</summary>
    public (SequenceDataSet First, SequenceDataSet Second) Split(double firstFraction, int seed)
    {
        int[] order = Enumerable.Range(0, Count).ToArray();
        new DeterministicRandom(seed).Shuffle(order.AsSpan());
        int first = (int)Math.Round(Count * firstFraction);
        return (Subset(order.AsSpan(0, first)), Subset(order.AsSpan(first)));
    }

    /// <summary>Keras's validation_split: the last <paramref name="fraction"/> of the examples, before any shuffling, is held out.</summary>
    public (SequenceDataSet Training, SequenceDataSet Validation) SplitTail(double fraction)
    {
        int validation = (int)(Count * fraction);
        int[] order = Enumerable.Range(0, Count).ToArray();
        return (Subset(order.AsSpan(0, Count - validation)), Subset(order.AsSpan(Count - validation)));
    }

    /// <summary>Copies the examples at <paramref name="indices"/> into <paramref name="buffers"/> and returns the batch view.</summary>
    public SequenceBatch FillBatch(ReadOnlySpan<int> indices, BatchBuffers buffers)
    {
        int n = indices.Length, w = InputWidth, k = TargetsPerExample;
        buffers.Ensure(n * w, n, n * k, n * ConditionSize);
        for (int i = 0; i < n; i++)
        {
            int e = indices[i];
            if (_tokens is not null) _tokens.AsSpan(e * w, w).CopyTo(buffers.Tokens.AsSpan(i * w));
            if (_inputs is not null) _inputs.AsSpan(e * w, w).CopyTo(buffers.Inputs.AsSpan(i * w));
            if (_lengths is not null) buffers.Lengths[i] = _lengths[e];
            if (_classTargets is not null) _classTargets.AsSpan(e * k, k).CopyTo(buffers.ClassTargets.AsSpan(i * k));
            if (_targets is not null) _targets.AsSpan(e * k, k).CopyTo(buffers.Targets.AsSpan(i * k));
            if (_conditions is not null) _conditions.AsSpan(e * ConditionSize, ConditionSize).CopyTo(buffers.Conditions.AsSpan(i * ConditionSize));
        }

        return new SequenceBatch
        {
            BatchSize = n,
            TimeSteps = TimeSteps,
            Tokens = _tokens is null ? default : buffers.Tokens.AsSpan(0, n * w),
            Inputs = _inputs is null ? default : buffers.Inputs.AsSpan(0, n * w),
            Lengths = _lengths is null ? default : buffers.Lengths.AsSpan(0, n),
            ClassTargets = _classTargets is null ? default : buffers.ClassTargets.AsSpan(0, n * k),
            Targets = _targets is null ? default : buffers.Targets.AsSpan(0, n * k),
            Conditions = _conditions is null ? default : buffers.Conditions.AsSpan(0, n * ConditionSize),
        };
    }
}

/// <summary>Reusable storage for mini-batches: grown once for the largest batch, then reused without allocation.</summary>
public sealed class BatchBuffers
{
    internal int[] Tokens = Array.Empty<int>();
    internal float[] Inputs = Array.Empty<float>();
    internal int[] Lengths = Array.Empty<int>();
    internal int[] ClassTargets = Array.Empty<int>();
    internal float[] Targets = Array.Empty<float>();
    internal float[] Conditions = Array.Empty<float>();

    internal void Ensure(int inputs, int examples, int targets, int conditions = 0)
    {
        if (Conditions.Length < conditions) Conditions = new float[conditions];
        if (Tokens.Length < inputs) Tokens = new int[inputs];
        if (Inputs.Length < inputs) Inputs = new float[inputs];
        if (Lengths.Length < examples) Lengths = new int[examples];
        if (ClassTargets.Length < targets) ClassTargets = new int[targets];
        if (Targets.Length < targets) Targets = new float[targets];
    }
}
