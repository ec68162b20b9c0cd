namespace RnnGen.Layers;

/// <summary>
/// The parameters of one direction of one recurrent layer, as views of the model's parameter buffer.
/// Shapes use G gate blocks (1 SimpleRnn, 4 LSTM <c>i, f, g, o</c>, 3 GRU <c>r, z, n</c>), PyTorch layout.
/// </summary>
public ref struct RecurrentWeights
{
    /// <summary><c>weight_ih</c> <c>[G·H, I]</c>.</summary>
    public ReadOnlySpan<float> Input;

    /// <summary><c>weight_hh</c> <c>[G·H, H]</c>.</summary>
    public ReadOnlySpan<float> Recurrent;

    /// <summary>
    /// <c>[G·H]</c>: the one bias of a SimpleRnn, LSTM or reset-before GRU (PyTorch's <c>bias_ih + bias_hh</c>);
    /// <c>bias_ih</c> of a reset-after GRU.
    /// </summary>
    public ReadOnlySpan<float> Bias;

    /// <summary>Reset-after GRU only: <c>bias_hh</c> <c>[G·H]</c>. Empty for every other cell — and a GRU with an empty one is the reset-before form.</summary>
    public ReadOnlySpan<float> RecurrentBias;

    /// <summary>LSTM with peepholes only: <c>[3, H]</c>, the diagonal weights of the <c>i, f, o</c> gates onto the cell. Empty: no peepholes.</summary>
    public ReadOnlySpan<float> Peepholes;

    /// <summary>LSTM with a projection only: <c>weight_hr</c> <c>[P, H]</c>, <c>h = W_hr (o ⊙ tanh(c))</c>. Empty: no projection.</summary>
    public ReadOnlySpan<float> Projection;
}

/// <summary>Gradient views matching <see cref="RecurrentWeights"/> field by field. Kernels accumulate into them (<c>+=</c>).</summary>
public ref struct RecurrentGradients
{
    /// <summary>∂L/∂<c>weight_ih</c> <c>[G·H, I]</c>.</summary>
    public Span<float> Input;

    /// <summary>∂L/∂<c>weight_hh</c> <c>[G·H, H]</c>.</summary>
    public Span<float> Recurrent;

    /// <summary>∂L/∂bias <c>[G·H]</c>.</summary>
    public Span<float> Bias;

    /// <summary>∂L/∂<c>bias_hh</c> (reset-after GRU only).</summary>
    public Span<float> RecurrentBias;

    /// <summary>∂L/∂peepholes <c>[3, H]</c> (LSTM with peepholes only).</summary>
    public Span<float> Peepholes;

    /// <summary>∂L/∂<c>weight_hr</c> <c>[P, H]</c> (LSTM with a projection only).</summary>
    public Span<float> Projection;
}

/// <summary>
/// One direction of one recurrent layer run over a batch of sequences: its input, its outputs, its
/// states and the cache that the backward pass reads. All sequence tensors are batch-first: the row
/// of batch b at step t is row <c>b·Time + t</c>.
/// </summary>
public ref struct RecurrentSequence
{
    /// <summary>Number of sequences B.</summary>
    public int Batch;

    /// <summary>Steps T of the (padded) batch.</summary>
    public int Time;

    /// <summary>
    /// <see langword="false"/>: steps t = 0 … len_b − 1. <see langword="true"/> (the backward direction of a
    /// bidirectional layer): t = len_b − 1 … 0, starting from the initial state at the sequence's own last step.
    /// </summary>
    public bool Reverse;

    /// <summary>Per-sequence lengths <c>[B]</c>, each in 1 … Time; empty means every sequence has Time steps.
    /// Steps at or after a sequence's length leave its state unchanged and output zeros.</summary>
    public ReadOnlySpan<int> Lengths;

    /// <summary>Input rows: <c>x[b, t, 0..I)</c> starts at <c>(b·Time + t)·InputStride</c>.</summary>
    public ReadOnlySpan<float> Input;

    /// <summary>Distance in floats between consecutive input rows (≥ I).</summary>
    public int InputStride;

    /// <summary>
    /// <c>[B, G·H]</c> a pre-activation added to every step of sequence b (a conditioned layer's <c>W_f v_b</c>, the input
    /// projection of a vector that is part of every step's input); empty: none.
    /// </summary>
    public ReadOnlySpan<float> SequenceBias;

    /// <summary><c>[B, H]</c> initial hidden state; empty means zeros.</summary>
    public ReadOnlySpan<float> InitialHidden;

    /// <summary><c>[B, H]</c> initial cell state (LSTM); empty means zeros.</summary>
    public ReadOnlySpan<float> InitialCell;

    /// <summary><c>[B, T, H]</c> (contiguous) the hidden state after each step, stored by input time; zeros at padded steps.</summary>
    public Span<float> Hidden;

    /// <summary><c>[B, H]</c> the state after each sequence's last step. May be the same memory as <see cref="InitialHidden"/> (streaming).</summary>
    public Span<float> FinalHidden;

    /// <summary><c>[B, H]</c> final cell state (LSTM only). May be the same memory as <see cref="InitialCell"/>.</summary>
    public Span<float> FinalCell;

    /// <summary>
    /// Workspace of <c>XxxLayer.CacheSize&lt;TShape&gt;(Batch, Time)</c> floats: forward keeps there what backward needs
    /// (gate activations, cell states, …) and backward uses the rest as scratch. Layout is the kernel's own.
    /// </summary>
    public Span<float> Cache;

    /// <summary>
    /// Sequences <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 of this call as a call of
    /// their own (a share of <see cref="RecurrentParallel"/>): every batch-indexed span sliced to them; the cache is left
    /// empty, since each kernel slices its own cache layout.
    /// </summary>
    internal readonly RecurrentSequence Rows(int first, int count, int units) => Rows(first, count, units, units);

    /// <summary>
    /// As <see cref="Rows(int, int, int)"/> where h has <paramref name="hiddenUnits"/> floats per row and the cell state
    /// <paramref name="cellUnits"/> (they differ for an LSTM with a projection).
    /// </summary>
    internal readonly RecurrentSequence Rows(int first, int count, int hiddenUnits, int cellUnits) => first == 0 && count == Batch ? this : new()
    {
        Batch = count,
        Time = Time,
        Reverse = Reverse,
        Lengths = Lengths.IsEmpty ? default : Lengths.Slice(first, count),
        Input = Input.Slice(first * Time * InputStride),
        InputStride = InputStride,
        SequenceBias = SequenceBias.IsEmpty ? default : SequenceBias.Slice(first * (SequenceBias.Length / Batch), count * (SequenceBias.Length / Batch)),
        InitialHidden = Part(InitialHidden, first * hiddenUnits, count * hiddenUnits),
        InitialCell = Part(InitialCell, first * cellUnits, count * cellUnits),
        Hidden = Hidden.Slice(first * Time * hiddenUnits, count * Time * hiddenUnits),
        FinalHidden = FinalHidden.Slice(first * hiddenUnits, count * hiddenUnits),
        FinalCell = Part(FinalCell, first * cellUnits, count * cellUnits),
    };

    internal static Span<float> Part(Span<float> span, int start, int length) => span.IsEmpty ? default : span.Slice(start, length);

    internal static ReadOnlySpan<float> Part(ReadOnlySpan<float> span, int start, int length) => span.IsEmpty ? default : span.Slice(start, length);
}

/// <summary>The gradients flowing into and out of one direction's backward pass.</summary>
public ref struct RecurrentSequenceGradients
{
    /// <summary><c>[B, T, H]</c> ∂L/∂<see cref="RecurrentSequence.Hidden"/>; empty means zeros. Entries at padded steps are ignored.</summary>
    public ReadOnlySpan<float> Hidden;

    /// <summary><c>[B, H]</c> ∂L/∂<see cref="RecurrentSequence.FinalHidden"/>; empty means zeros.</summary>
    public ReadOnlySpan<float> FinalHidden;

    /// <summary><c>[B, H]</c> ∂L/∂<see cref="RecurrentSequence.FinalCell"/> (LSTM); empty means zeros.</summary>
    public ReadOnlySpan<float> FinalCell;

    /// <summary>∂L/∂input, same layout and stride as <see cref="RecurrentSequence.Input"/>, accumulated (<c>+=</c>); empty: not computed.</summary>
    public Span<float> Input;

    /// <summary><c>[B, G·H]</c> ∂L/∂<see cref="RecurrentSequence.SequenceBias"/>, accumulated (<c>+=</c>); empty: not computed.</summary>
    public Span<float> SequenceBias;

    /// <summary><c>[B, H]</c> ∂L/∂initial hidden state, overwritten (<c>=</c>); empty: not computed.</summary>
    public Span<float> InitialHidden;

    /// <summary><c>[B, H]</c> ∂L/∂initial cell state (LSTM), overwritten; empty: not computed.</summary>
    public Span<float> InitialCell;

    /// <summary>The gradients of sequences <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 (see <see cref="RecurrentSequence.Rows(int, int, int)"/>).</summary>
    internal readonly RecurrentSequenceGradients Rows(int first, int count, int time, int units, int inputStride)
        => Rows(first, count, time, units, units, inputStride);

    /// <summary>As <see cref="Rows(int, int, int, int, int)"/> with h and the cell state of different widths (an LSTM with a projection).</summary>
    internal readonly RecurrentSequenceGradients Rows(int first, int count, int time, int hiddenUnits, int cellUnits, int inputStride) => new()
    {
        Hidden = RecurrentSequence.Part(Hidden, first * time * hiddenUnits, count * time * hiddenUnits),
        FinalHidden = RecurrentSequence.Part(FinalHidden, first * hiddenUnits, count * hiddenUnits),
        FinalCell = RecurrentSequence.Part(FinalCell, first * cellUnits, count * cellUnits),
        Input = Input.IsEmpty ? default : Input.Slice(first * time * inputStride),
        InitialHidden = RecurrentSequence.Part(InitialHidden, first * hiddenUnits, count * hiddenUnits),
        InitialCell = RecurrentSequence.Part(InitialCell, first * cellUnits, count * cellUnits),
    };
}
