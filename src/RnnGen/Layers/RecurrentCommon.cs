using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Layers;

/// <summary>Pieces every recurrent kernel shares: the hoisted input projection, step order, padding, previous states.</summary>
internal static class RecurrentCommon
{
    /// <summary>Length of sequence <paramref name="b"/> (all T steps when no lengths are given).</summary>
    public static int Length(in RecurrentSequence s, int b) => s.Lengths.IsEmpty ? s.Time : s.Lengths[b];

    /// <summary>The time index of the <paramref name="step"/>-th step in processing order (descending when Reverse).</summary>
    public static int TimeAt(in RecurrentSequence s, int step) => s.Reverse ? s.Time - 1 - step : step;

    /// <summary>
    /// The input projection for every step at once, hoisted out of the recurrence:
    /// <c>pre[B·T, G·H] = x[B·T, I] · W_ihᵀ + b</c> — one matrix product instead of one per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ProjectInputs(in RecurrentSequence s, ReadOnlySpan<float> inputWeights, ReadOnlySpan<float> bias,
        int inputSize, int width, Span<float> pre)
    {
        int rows = s.Batch * s.Time;
        for (int r = 0; r < rows; r++)
        {
            bias.CopyTo(pre.Slice(r * width, width));
        }

        Gemm.MultiplyNT(rows, width, inputSize, s.Input, s.InputStride, inputWeights, inputSize, pre, width, accumulate: true);
        if (!s.SequenceBias.IsEmpty)
        {
            // pre[b, t] += W_f v_b: the conditioned input, projected once per sequence
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = pre.Slice(r * width, width);
                TensorPrimitives.Add(row, s.SequenceBias.Slice(r / s.Time * width, width), row);
            }
        }
    }

    /// <summary>∂(sequence bias)[b] += Σ_t ∂pre[b, t] (padded rows hold zero gradients); nothing when not asked for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumSequences(in RecurrentSequence s, ReadOnlySpan<float> gradients, int width, Span<float> sequenceBias)
    {
        if (sequenceBias.IsEmpty)
        {
            return;
        }

        for (int r = 0; r < s.Batch * s.Time; r++)
        {
            Span<float> target = sequenceBias.Slice(r / s.Time * width, width);
            TensorPrimitives.Add(target, gradients.Slice(r * width, width), target);
        }
    }

    /// <summary>
    /// Whether the backward per-step products (∂h_(t−1) = ∂pre_t · W_hh) of this call go through a packed copy of W_hh
    /// (<see cref="PackedPanels"/>): with several rows per step, the broadcast kernel over panels packed once per call
    /// beats reading W_hh rows with a power-of-two stride (docs/benchmarks.md). A lone stream or a short call multiplies
    /// W_hh as it is.
    /// </summary>
    public static bool UsePacked(in RecurrentSequence s) => s.Time >= 4 && s.Batch >= 4;

    /// <summary>
    /// Whether the forward per-step products (pre_t += h_(t−1) · W_hhᵀ) go through packed W_hhᵀ: faster up to H = 128,
    /// slower from H = 256, where the 3 × 4 dot-product blocks over W_hh as it is win (docs/benchmarks.md).
    /// </summary>
    public static bool UsePackedForward(in RecurrentSequence s, int units) => UsePacked(s) && units <= 128;

    /// <summary>Floats the packed copies of a [rows, units] W_hh need (forward: W_hhᵀ panels; backward: W_hh panels).</summary>
    public static int PackedRecurrentSize(int rows, int units) => Math.Max(PackedPanels.Size(rows, units), PackedPanels.Size(units, rows));

    /// <summary>Starts the running state from the initial state (or zero); the two may be the same memory.</summary>
    public static void StartState(ReadOnlySpan<float> initial, Span<float> state)
    {
        if (initial.IsEmpty)
        {
            state.Clear();
        }
        else if (!initial.Overlaps(state))
        {
            initial.CopyTo(state);
        }
    }

    /// <summary>
    /// For every real step, the state the step started from (<c>h_{t−1}</c> in processing order: the previous step's
    /// stored value, or the initial state at a sequence's first step), as rows of <paramref name="previous"/> [B·T, H].
    /// Padded rows are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GatherPrevious(in RecurrentSequence s, ReadOnlySpan<float> sequence, ReadOnlySpan<float> initial, int units, Span<float> previous)
    {
        int T = s.Time;
        for (int b = 0; b < s.Batch; b++)
        {
            int length = Length(s, b);
            for (int t = 0; t < T; t++)
            {
                Span<float> row = previous.Slice((b * T + t) * units, units);
                bool active = t < length;
                bool first = s.Reverse ? t == length - 1 : t == 0;
                if (!active)
                {
                    row.Clear();
                }
                else if (first)
                {
                    if (initial.IsEmpty)
                    {
                        row.Clear();
                    }
                    else
                    {
                        initial.Slice(b * units, units).CopyTo(row);
                    }
                }
                else
                {
                    int tp = s.Reverse ? t + 1 : t - 1;
                    sequence.Slice((b * T + tp) * units, units).CopyTo(row);
                }
            }
        }
    }

    /// <summary>∂b += Σ_rows ∂pre over <paramref name="width"/> columns starting at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumRows(ReadOnlySpan<float> gradients, int rows, int stride, int offset, int width, Span<float> bias)
    {
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(bias.Slice(0, width), gradients.Slice(r * stride + offset, width), bias.Slice(0, width));
        }
    }
}
