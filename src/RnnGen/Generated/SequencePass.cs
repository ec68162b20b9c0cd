using System.Runtime.CompilerServices;
using System.ComponentModel;
using RnnGen.Initialization;

namespace RnnGen.Generated;

/// <summary>
/// One forward or backward pass of a generated sequential model over a batch: the buffers, the inputs and what the
/// caller asked for. Built by <see cref="SequentialCore{TNetwork, TState}"/>; the generated op sequence hands it to each layer.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref struct SequencePass
{
    /// <summary>B.</summary>
    public int Batch { get; init; }

    /// <summary>T.</summary>
    public int Time { get; init; }

    /// <summary>The model's workspace.</summary>
    public Span<float> Workspace { get; init; }

    /// <summary>The model's parameters.</summary>
    public ReadOnlySpan<float> Parameters { get; init; }

    /// <summary>The model's gradients (backward only).</summary>
    public Span<float> Gradients { get; init; }

    /// <summary>Token ids <c>[B, T]</c> (models that start with an embedding).</summary>
    public ReadOnlySpan<int> Tokens { get; init; }

    /// <summary>Per-sequence lengths <c>[B]</c>; empty: every sequence has T steps.</summary>
    public ReadOnlySpan<int> Lengths { get; init; }

    /// <summary>
    /// Conditioned models: the condition vectors <c>[B, ConditionSize]</c>, from which the conditioned layer starts (into the
    /// state, when the pass has one); empty: a stream that steps on from its state.
    /// </summary>
    public ReadOnlySpan<float> Conditions { get; init; }

    /// <summary>Backward of conditioned models: ∂loss/∂conditions <c>[B, ConditionSize]</c>, accumulated; empty: not asked for.</summary>
    public Span<float> ConditionGradient { get; init; }

    /// <summary>Float models: the input <c>[B, T, InputSize]</c> the first layer reads (after input dropout).</summary>
    public Span<float> Input { get; init; }

    /// <summary>Backward of float models: ∂loss/∂input, accumulated; empty: not asked for.</summary>
    public Span<float> InputGradient { get; init; }

    /// <summary>Forward: the caller's state (initial states read from it, final states written back); empty: zeros.</summary>
    public Span<float> State { get; init; }

    /// <summary>Backward: whether the forward pass started from a given state.</summary>
    public bool UsedState { get; init; }

    /// <summary>Backward: ∂loss/∂(final states), added to what flows back from the outputs; empty: none.</summary>
    public Span<float> FinalStateGradient { get; init; }

    /// <summary>Backward: receives ∂loss/∂(initial states); empty: not asked for.</summary>
    public Span<float> InitialStateGradient { get; init; }

    /// <summary>The last dense layer outputs logits for a fused loss (forward), or its output gradient is the logits' (backward).</summary>
    public bool Logits { get; init; }

    /// <summary>Dropout is active (training forward passes).</summary>
    public bool Training { get; init; }

    /// <summary>The random numbers of dropout.</summary>
    public DeterministicRandom? Random { get; init; }

    /// <summary>What the next layer reads from <paramref name="layer"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Out(in LayerBuffers layer) => Workspace.Slice(layer.Output, layer.Length);

    /// <summary>∂loss/∂(what the next layer reads from <paramref name="layer"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Gradient(in LayerBuffers layer) => Workspace.Slice(layer.DOut, layer.Length);

    /// <summary><paramref name="units"/> floats per stream of <paramref name="state"/> from <paramref name="offset"/>; empty when it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<float> Slot(Span<float> state, int offset, int units) => state.IsEmpty ? default : state.Slice(Batch * offset, Batch * units);
}
