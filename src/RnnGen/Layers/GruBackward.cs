using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Layers;

public static unsafe partial class GruKernel
{
    /// <summary>
    /// Backpropagation through time over the steps of the last <see cref="Forward"/> with the same
    /// <paramref name="sequence"/> (its cache intact): accumulates parameter gradients, and the input and
    /// initial-state gradients where requested. With <see cref="Parallelism.Threads"/> &gt; 1 the recurrence is shared
    /// out by sequences and the weight-gradient products by gate rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TShape>(in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients) where TShape : IRecurrentShape
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        int H = TShape.Units, G = 3 * H;

        // Reset-after: ∂a_hh · W_hh per step, over W_hh packed once per call into the cache (where the forward's copy was) when that pays
        RecurrentStepProduct.Backward(sequence, weights.Recurrent, G, H, PackedRecurrent<TShape>(sequence), allowed: !weights.RecurrentBias.IsEmpty);
        int parts = RecurrentParallel.Parts(sequence, 3L * G * (TShape.InputSize + H));
        RecurrentParallel.Run(parts, weights, gradients, sequence, sequenceGradients, &BackwardThroughTime<TShape>);
        RecurrentParallel.Run(parts, weights, gradients, sequence, sequenceGradients, &WeightGradients<TShape>);

        // ∂(W_f v_b) += Σ_t ∂(input-side pre)[b, t]: the conditioned input's pre-activation
        var layout = new GruCache(sequence.Batch, sequence.Time, H);
        RecurrentCommon.SumSequences(sequence, sequence.Cache.Slice(layout.InputGateGradients, sequence.Batch * sequence.Time * G), G, sequenceGradients.SequenceBias);
    }

    /// <summary>
    /// The backward recurrence of share <paramref name="part"/> of the sequences: ∂a_ih and ∂a_hh for every row (into the
    /// cache), h_prev, and the gradient of the initial state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardThroughTime<TShape>(in RecurrentWeights weights, in RecurrentGradients _,
        in RecurrentSequence whole, in RecurrentSequenceGradients wholeGradients, int part, int parts) where TShape : IRecurrentShape
    {
        int H = TShape.Units, G = 3 * H;
        int T = whole.Time;
        var layout = new GruCache(whole.Batch, T, H);
        (int first, int B) = RecurrentParallel.Share(whole.Batch, part, parts);
        RecurrentSequence share = parts == 1 ? default : whole.Rows(first, B, H);
        ref readonly RecurrentSequence sequence = ref (parts == 1 ? ref whole : ref share); // no copy for a single share
        RecurrentSequenceGradients sequenceGradients = parts == 1 ? wholeGradients : wholeGradients.Rows(first, B, T, H, whole.InputStride);
        int r0 = first * T, rows = B * T;
        Span<float> cache = whole.Cache;
        ReadOnlySpan<float> gates = cache.Slice(layout.Gates + r0 * G, rows * G);
        ReadOnlySpan<float> hn = cache.Slice(layout.RecurrentN + r0 * H, rows * H);
        Span<float> dIh = cache.Slice(layout.InputGateGradients + r0 * G, rows * G);
        Span<float> dHh = cache.Slice(layout.RecurrentGateGradients + r0 * G, rows * G);
        Span<float> hPrev = cache.Slice(layout.PreviousHidden + r0 * H, rows * H);
        Span<float> dh = cache.Slice(layout.HiddenGradient + first * H, B * H);
        Span<float> dhNew = cache.Slice(layout.NewHiddenGradient + first * H, B * H);
        Span<float> dhDirect = cache.Slice(layout.DirectHiddenGradient + first * H, B * H);
        Span<float> dRh = cache.Slice(layout.ResetHiddenGradient + first * H, B * H);
        bool resetAfter = !weights.RecurrentBias.IsEmpty;
        ReadOnlySpan<float> wHn = weights.Recurrent.Slice(2 * H * H, H * H);
        var recurrent = RecurrentStepProduct.Backward(whole, weights.Recurrent, G, H, PackedRecurrent<TShape>(whole), allowed: resetAfter, pack: false);

        RecurrentCommon.GatherPrevious(sequence, sequence.Hidden, sequence.InitialHidden, H, hPrev);
        RecurrentCommon.StartState(sequenceGradients.FinalHidden, dh);
        dIh.Clear();
        dHh.Clear();

        for (int step = T - 1; step >= 0; step--)
        {
            int t = RecurrentCommon.TimeAt(sequence, step);
            for (int b = 0; b < B; b++)
            {
                if (t >= RecurrentCommon.Length(sequence, b))
                {
                    continue;
                }

                int row = b * T + t;
                Span<float> dhb = dh.Slice(b * H, H);
                ReadOnlySpan<float> pre = gates.Slice(row * G, G), hp = hPrev.Slice(row * H, H), hnRow = hn.Slice(row * H, H);
                ReadOnlySpan<float> dHidden = sequenceGradients.Hidden.IsEmpty ? default : sequenceGradients.Hidden.Slice(row * H, H);
                Span<float> di = dIh.Slice(row * G, G), dhh = dHh.Slice(row * G, G);

                // ∂a_ih, ∂a_hh of the row and ∂h_{t−1} through z from ∂h at step t
                GruCell.Backward(resetAfter, pre, hp, hnRow, dhb, dHidden, di, dhh, dhDirect.Slice(b * H, H), H);
            }

            if (resetAfter)
            {
                // ∂h_{t−1} = ∂h ⊙ z + ∂a_hh,t · W_hh
                recurrent.Backward(B, dHh.Slice(t * G), T * G, dhNew);
            }
            else
            {
                // forward: n = tanh(… + W_hn (r ⊙ h)), so ∂(r ⊙ h) = ∂n_pre · W_hn, ∂r = ∂(r ⊙ h) ⊙ h, ∂h += ∂(r ⊙ h) ⊙ r
                Gemm.MultiplyNN(B, H, H, dIh.Slice(t * G + 2 * H), T * G, wHn, H, dRh, H, accumulate: false);
                for (int b = 0; b < B; b++)
                {
                    int row = b * T + t;
                    if (t >= RecurrentCommon.Length(sequence, b))
                    {
                        continue;
                    }

                    ReadOnlySpan<float> pre = gates.Slice(row * G, G), hp = hPrev.Slice(row * H, H);
                    Span<float> di = dIh.Slice(row * G, G);
                    for (int j = 0; j < H; j++)
                    {
                        float r = pre[j];
                        di[j] = dRh[b * H + j] * hp[j] * r * (1 - r);
                        dhDirect[b * H + j] += dRh[b * H + j] * r;
                    }
                }

                // ∂h_{t−1} += ∂a[r z]_t · W_h[r z]
                Gemm.MultiplyNN(B, H, 2 * H, dIh.Slice(t * G), T * G, weights.Recurrent, H, dhNew, H, accumulate: false);
            }

            for (int b = 0; b < B; b++)
            {
                if (t < RecurrentCommon.Length(sequence, b))
                {
                    for (int j = 0; j < H; j++)
                    {
                        dh[b * H + j] = dhNew[b * H + j] + dhDirect[b * H + j];
                    }
                }
            }
        }

        if (!sequenceGradients.InitialHidden.IsEmpty)
        {
            dh.CopyTo(sequenceGradients.InitialHidden);
        }

    }

    /// <summary>
    /// Share <paramref name="part"/> of the products over all steps that follow the recurrence: the weight gradients of
    /// its gate rows, and ∂x of its sequences.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradients<TShape>(in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients, int part, int parts) where TShape : IRecurrentShape
    {
        int H = TShape.Units, I = TShape.InputSize, G = 3 * H;
        int T = sequence.Time, R = sequence.Batch * T;
        var layout = new GruCache(sequence.Batch, T, H);
        Span<float> cache = sequence.Cache;
        ReadOnlySpan<float> hn = cache.Slice(layout.RecurrentN, R * H);
        ReadOnlySpan<float> dIh = cache.Slice(layout.InputGateGradients, R * G);
        ReadOnlySpan<float> dHh = cache.Slice(layout.RecurrentGateGradients, R * G);
        ReadOnlySpan<float> hPrev = cache.Slice(layout.PreviousHidden, R * H);

        // Weight gradients of gate rows g0 … g0 + n − 1, one matrix product over all steps each.
        (int g0, int n) = RecurrentParallel.Share(G, part, parts, multiple: 16);
        Gemm.MultiplyTN(n, I, R, dIh.Slice(g0), G, sequence.Input, sequence.InputStride, gradients.Input.Slice(g0 * I), I, accumulate: true);
        RecurrentCommon.SumRows(dIh, R, G, g0, n, gradients.Bias.Slice(g0));
        if (!weights.RecurrentBias.IsEmpty)
        {
            Gemm.MultiplyTN(n, H, R, dHh.Slice(g0), G, hPrev, H, gradients.Recurrent.Slice(g0 * H), H, accumulate: true);
            RecurrentCommon.SumRows(dHh, R, G, g0, n, gradients.RecurrentBias.Slice(g0));
        }
        else
        {
            // ∂W_h[r z] += ∂a[r z]ᵀ · h_prev ; ∂W_hn += ∂n_preᵀ · (r ⊙ h_prev) — the share's rows of each
            (int a0, int an) = RecurrentParallel.Share(2 * H, part, parts, multiple: 16);
            (int n0, int nn) = RecurrentParallel.Share(H, part, parts, multiple: 16);
            Gemm.MultiplyTN(an, H, R, dIh.Slice(a0), G, hPrev, H, gradients.Recurrent.Slice(a0 * H), H, accumulate: true);
            Gemm.MultiplyTN(nn, H, R, dIh.Slice(2 * H + n0), G, hn, H, gradients.Recurrent.Slice((2 * H + n0) * H), H, accumulate: true);
        }

        // ∂x[B·T, I] += ∂a_ih · W_ih for this share's sequences
        if (!sequenceGradients.Input.IsEmpty)
        {
            (int first, int B) = RecurrentParallel.Share(sequence.Batch, part, parts);
            Gemm.MultiplyNN(B * T, I, G, dIh.Slice(first * T * G), G, weights.Input, I,
                sequenceGradients.Input.Slice(first * T * sequence.InputStride), sequence.InputStride, accumulate: true);
        }
    }
}
