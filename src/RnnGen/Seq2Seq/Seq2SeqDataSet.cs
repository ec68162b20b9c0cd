using RnnGen.Generated;
using RnnGen.Initialization;

namespace RnnGen.Seq2Seq;

/// <summary>
/// Source and target token sequences of different lengths, batched with padding: each batch is padded to its own longest
/// source and target; the model's end token is appended to every target.
/// </summary>
public sealed class Seq2SeqDataSet
{
    private readonly int[][] _sources;
    private readonly int[][] _targets;
    private readonly int _endToken;
    private int[] _source = Array.Empty<int>();
    private int[] _sourceLengths = Array.Empty<int>();
    private int[] _target = Array.Empty<int>();
    private int[] _targetLengths = Array.Empty<int>();

    /// <summary>Creates the data set; every source and target needs at least one token.</summary>
    public Seq2SeqDataSet(IReadOnlyList<int[]> sources, IReadOnlyList<int[]> targets, int endToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(targets);
        if (sources.Count != targets.Count)
        {
            throw new ArgumentException($"targets: expected one target per source, {sources.Count}, but got {targets.Count}.", nameof(targets));
        }

        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i].Length == 0)
            {
                throw new ArgumentException($"sources[{i}]: expected at least one token but got none.", nameof(sources));
            }
        }

        _sources = sources.ToArray();
        _targets = targets.ToArray();
        _endToken = endToken;
        Order = Enumerable.Range(0, _sources.Length).ToArray();
    }

    /// <summary>Number of pairs.</summary>
    public int Count => _sources.Length;

    /// <summary>The order batches are taken in (see the Shuffle methods).</summary>
    public int[] Order { get; }

    /// <summary>The source of pair <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> Source(int index) => _sources[index];

    /// <summary>The target of pair <paramref name="index"/> (without the end token).</summary>
    public ReadOnlySpan<int> Target(int index) => _targets[index];

    /// <summary>Number of batches of <paramref name="batchSize"/> (the last may be smaller).</summary>
    public int BatchCount(int batchSize) => (Count + batchSize - 1) / batchSize;

    /// <summary>Shuffles <see cref="Order"/> deterministically.</summary>
    public void Shuffle(DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        random.Shuffle(Order.AsSpan());
    }

    /// <summary>
    /// Shuffles, then sorts each run of <paramref name="bucketBatches"/> batches by source length so that a batch holds pairs
    /// of similar lengths (less padding, fewer wasted steps), then shuffles the order of the batches.
    /// </summary>
    public void Shuffle(DeterministicRandom random, int batchSize, int bucketBatches)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize: expected ≥ 1 but got {batchSize}.");
        if (bucketBatches < 1) throw new ArgumentOutOfRangeException(nameof(bucketBatches), bucketBatches, $"bucketBatches: expected ≥ 1 but got {bucketBatches}.");
        random.Shuffle(Order.AsSpan());
        int chunk = batchSize * bucketBatches;
        for (int start = 0; start < Count; start += chunk)
        {
            int n = Math.Min(chunk, Count - start);
            Array.Sort(Order, start, n, Comparer<int>.Create((a, b) => _sources[a].Length != _sources[b].Length
                ? _sources[a].Length.CompareTo(_sources[b].Length)
                : _targets[a].Length.CompareTo(_targets[b].Length)));
        }

        int batches = BatchCount(batchSize);
        var batchOrder = Enumerable.Range(0, batches).ToArray();
        random.Shuffle(batchOrder.AsSpan());
        int[] copy = (int[])Order.Clone();
        int o = 0;
        foreach (int b in batchOrder)
        {
            int from = b * batchSize, n = Math.Min(batchSize, Count - from);
            Array.Copy(copy, from, Order, o, n);
            o += n;
        }
    }

    /// <summary>Batch <paramref name="index"/> of <see cref="Order"/>; its views stay valid until the next call.</summary>
    public Seq2SeqBatch GetBatch(int index, int batchSize, float teacherForcing = 1f)
    {
        int start = index * batchSize;
        int B = Math.Min(batchSize, Count - start);
        if (B <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index: expected 0…{BatchCount(batchSize) - 1} but got {index}.");
        }

        int S = 1, T = 1;
        for (int b = 0; b < B; b++)
        {
            S = Math.Max(S, _sources[Order[start + b]].Length);
            T = Math.Max(T, _targets[Order[start + b]].Length + 1);
        }

        Buffers.Ensure(ref _source, B * S);
        Buffers.Ensure(ref _target, B * T);
        Buffers.Ensure(ref _sourceLengths, B);
        Buffers.Ensure(ref _targetLengths, B);
        for (int b = 0; b < B; b++)
        {
            int[] s = _sources[Order[start + b]], t = _targets[Order[start + b]];
            Span<int> sourceRow = _source.AsSpan(b * S, S), targetRow = _target.AsSpan(b * T, T);
            sourceRow.Clear();
            targetRow.Fill(_endToken);
            s.CopyTo(sourceRow);
            t.CopyTo(targetRow);
            _sourceLengths[b] = s.Length;
            _targetLengths[b] = t.Length + 1;
        }

        return new Seq2SeqBatch
        {
            BatchSize = B,
            SourceSteps = S,
            Source = _source.AsSpan(0, B * S),
            SourceLengths = _sourceLengths.AsSpan(0, B),
            TargetSteps = T,
            Targets = _target.AsSpan(0, B * T),
            TargetLengths = _targetLengths.AsSpan(0, B),
            TeacherForcing = teacherForcing,
        };
    }
}
