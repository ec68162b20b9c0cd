namespace RnnGen.Layers;

/// <summary>
/// One decoder step of attention over a batch: the query (decoder state) of each sequence against its encoder outputs.
/// Sequence tensors are batch-first: the row of batch b at source step j is row <c>b·Source + j</c>.
/// </summary>
public ref struct AttentionStep
{
    /// <summary>The score function.</summary>
    public AttentionScore Score;

    /// <summary>Sequences B.</summary>
    public int Batch;

    /// <summary>Source steps S of the (padded) batch.</summary>
    public int Source;

    /// <summary>Width of the query (the decoder state).</summary>
    public int QuerySize;

    /// <summary>Width of the values (the encoder outputs).</summary>
    public int ValueSize;

    /// <summary>Hidden units of the additive score (its key width); unused otherwise.</summary>
    public int Units;

    /// <summary><c>[B]</c> source lengths in 1 … Source; empty: all Source steps. Steps at or after a length get weight 0.</summary>
    public ReadOnlySpan<int> Lengths;

    /// <summary><c>[B, QuerySize]</c> the query q.</summary>
    public ReadOnlySpan<float> Query;

    /// <summary>
    /// <c>[B, S, K]</c> the keys, computed once per batch by <see cref="AttentionKernel.ProjectKeys"/>: additive
    /// <c>W_k h_j</c> (K = Units), general <c>W h_j</c> (K = QuerySize); dot uses the values themselves.
    /// </summary>
    public ReadOnlySpan<float> Keys;

    /// <summary><c>[B, S, ValueSize]</c> the encoder outputs h_j.</summary>
    public ReadOnlySpan<float> Values;

    /// <summary>Additive only: <c>W_q</c> <c>[Units, QuerySize]</c>.</summary>
    public ReadOnlySpan<float> QueryWeight;

    /// <summary>Additive only: <c>v</c> <c>[Units]</c>.</summary>
    public ReadOnlySpan<float> Energy;

    /// <summary><c>[B, S]</c> out: the attention weights α (0 at padded source steps).</summary>
    public Span<float> Weights;

    /// <summary><c>[B, ValueSize]</c> out: the context <c>c = Σ_j α_j h_j</c>.</summary>
    public Span<float> Context;

    /// <summary><see cref="AttentionKernel.CacheSize"/> floats that forward fills for backward (additive: the tanh values and the projected query).</summary>
    public Span<float> Cache;
}

/// <summary>Gradients into and out of one attention step; every output is accumulated (<c>+=</c>), empty ones are skipped.</summary>
public ref struct AttentionStepGradients
{
    /// <summary><c>[B, ValueSize]</c> ∂L/∂context.</summary>
    public ReadOnlySpan<float> Context;

    /// <summary><c>[B, QuerySize]</c> ∂L/∂query, accumulated.</summary>
    public Span<float> Query;

    /// <summary><c>[B, S, K]</c> ∂L/∂keys, accumulated (dot: leave empty; the values' gradient carries it).</summary>
    public Span<float> Keys;

    /// <summary><c>[B, S, ValueSize]</c> ∂L/∂values, accumulated.</summary>
    public Span<float> Values;

    /// <summary>Additive: ∂L/∂W_q <c>[Units, QuerySize]</c>, accumulated.</summary>
    public Span<float> QueryWeight;

    /// <summary>Additive: ∂L/∂v <c>[Units]</c>, accumulated.</summary>
    public Span<float> Energy;

    /// <summary>Scratch of <c>B·S + B·Units</c> floats.</summary>
    public Span<float> Scratch;
}
