namespace RnnGen.Data;

/// <summary>
/// Next-token training pairs cut from one token stream: <see cref="Inputs"/> <c>[Count, TimeSteps]</c> and
/// <see cref="Targets"/> <c>[Count, TimeSteps]</c>, where each target is the token that follows its input.
/// </summary>
public sealed class TokenWindows
{
    internal TokenWindows(int[] inputs, int[] targets, int count, int timeSteps)
    {
        Inputs = inputs;
        Targets = targets;
        Count = count;
        TimeSteps = timeSteps;
    }

    /// <summary>Input ids, <c>[Count, TimeSteps]</c> row-major.</summary>
    public int[] Inputs { get; }

    /// <summary>Target ids, <c>[Count, TimeSteps]</c>: <c>Targets[i, t]</c> follows <c>Inputs[i, t]</c> in the stream.</summary>
    public int[] Targets { get; }

    /// <summary>Number of windows.</summary>
    public int Count { get; }

    /// <summary>Steps per window.</summary>
    public int TimeSteps { get; }

    /// <summary>The windows as a data set with per-step class targets.</summary>
    public SequenceDataSet ToDataSet() => SequenceDataSet.FromTokens(Inputs, Count, TimeSteps, Targets, targetsPerStep: true);

    /// <summary>
    /// Windows of <paramref name="timeSteps"/> tokens starting every <paramref name="stride"/> tokens (default: not
    /// overlapping), with the next tokens as targets. Window i holds inputs <c>tokens[i·stride + t]</c> and targets
    /// <c>tokens[i·stride + t + 1]</c>; a tail too short for a whole window is dropped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeSteps"/> or <paramref name="stride"/> is below 1, or the stream is shorter than one window plus its target.</exception>
    public static TokenWindows NextToken(ReadOnlySpan<int> tokens, int timeSteps, int stride = 0)
    {
        Positive(timeSteps, nameof(timeSteps));
        if (stride == 0) stride = timeSteps;
        Positive(stride, nameof(stride));
        if (tokens.Length < timeSteps + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens.Length, $"tokens: expected at least timeSteps + 1 = {timeSteps + 1} tokens but got {tokens.Length}.");
        }

        int count = (tokens.Length - 1 - timeSteps) / stride + 1;
        var inputs = new int[count * timeSteps];
        var targets = new int[count * timeSteps];
        for (int i = 0; i < count; i++)
        {
            tokens.Slice(i * stride, timeSteps).CopyTo(inputs.AsSpan(i * timeSteps));
            tokens.Slice(i * stride + 1, timeSteps).CopyTo(targets.AsSpan(i * timeSteps));
        }

        return new TokenWindows(inputs, targets, count, timeSteps);
    }

    internal static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name}: expected at least 1 but got {value}.");
        }
    }
}

/// <summary>
/// One token stream split into <see cref="Lanes"/> contiguous lanes for stateful language-model training (Keras's
/// <c>stateful=True</c>): lane b holds tokens <c>b·L … (b+1)·L − 1</c> with <c>L = LaneLength</c>, and window k's
/// batch row b holds lane b's steps <c>k·T … (k+1)·T − 1</c>, so a state carried from window k to window k + 1
/// continues each lane's text. Targets are the following tokens (the last lane's last target is token <c>B·L</c>).
/// </summary>
public sealed class LaneWindows
{
    private readonly int[] _tokens;

    private LaneWindows(int[] tokens, int lanes, int laneLength, int timeSteps)
    {
        _tokens = tokens;
        Lanes = lanes;
        LaneLength = laneLength;
        TimeSteps = timeSteps;
    }

    /// <summary>Number of lanes, the batch size B.</summary>
    public int Lanes { get; }

    /// <summary>Tokens per lane, L = ⌊(stream length − 1) / B⌋.</summary>
    public int LaneLength { get; }

    /// <summary>Steps per window, T.</summary>
    public int TimeSteps { get; }

    /// <summary>Number of whole windows along the lanes, ⌊L / T⌋ (a shorter tail of each lane is dropped).</summary>
    public int WindowCount => LaneLength / TimeSteps;

    /// <summary>Splits <paramref name="tokens"/> into <paramref name="lanes"/> lanes read in windows of <paramref name="timeSteps"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is below 1, or the stream is too short for one window in every lane.</exception>
    public static LaneWindows Split(ReadOnlySpan<int> tokens, int lanes, int timeSteps)
    {
        TokenWindows.Positive(lanes, nameof(lanes));
        TokenWindows.Positive(timeSteps, nameof(timeSteps));
        int laneLength = (tokens.Length - 1) / lanes;
        if (laneLength < timeSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens.Length, $"tokens: expected at least lanes·timeSteps + 1 = {lanes * timeSteps + 1} tokens but got {tokens.Length}.");
        }

        return new LaneWindows(tokens.Slice(0, lanes * laneLength + 1).ToArray(), lanes, laneLength, timeSteps);
    }

    /// <summary>Window <paramref name="k"/>: inputs and targets <c>[B, T]</c>, row b from lane b.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not a window index.</exception>
    public (int[] Inputs, int[] Targets) Window(int k)
    {
        if ((uint)k >= (uint)WindowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k: expected a window index in 0…{WindowCount - 1} but got {k}.");
        }

        int B = Lanes, T = TimeSteps;
        var inputs = new int[B * T];
        var targets = new int[B * T];
        for (int b = 0; b < B; b++)
        {
            int start = b * LaneLength + k * T;
            _tokens.AsSpan(start, T).CopyTo(inputs.AsSpan(b * T));
            _tokens.AsSpan(start + 1, T).CopyTo(targets.AsSpan(b * T));
        }

        return (inputs, targets);
    }

    /// <summary>
    /// Every window as one data set, example <c>k·B + b</c> = window k, lane b: read in order (no shuffling) with
    /// batch size B, consecutive batches are consecutive windows.
    /// </summary>
    public SequenceDataSet ToDataSet()
    {
        int B = Lanes, T = TimeSteps, K = WindowCount;
        var inputs = new int[K * B * T];
        var targets = new int[K * B * T];
        for (int k = 0; k < K; k++)
        {
            (int[] x, int[] y) = Window(k);
            x.CopyTo(inputs, k * B * T);
            y.CopyTo(targets, k * B * T);
        }

        return SequenceDataSet.FromTokens(inputs, K * B, T, targets, targetsPerStep: true);
    }
}
