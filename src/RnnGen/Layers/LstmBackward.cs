using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Layers;

public static unsafe partial class LstmKernel
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
        int H = TShape.Units, G = 4 * H, P = TShape.ProjectionSize, Hh = RecurrentShape.HiddenSize<TShape>();

        // ∂pre · W_hh per step, over W_hh packed once per call into the cache (where the forward's packed W_hhᵀ was) when that pays
        RecurrentStepProduct.Backward(sequence, weights.Recurrent, G, Hh, PackedRecurrent<TShape>(sequence));
        int parts = RecurrentParallel.Parts(sequence, 3L * G * (TShape.InputSize + Hh) + 3L * P * H);
        RecurrentParallel.Run(parts, weights, gradients, sequence, sequenceGradients, &BackwardThroughTime<TShape>);
        RecurrentParallel.Run(parts, weights, gradients, sequence, sequenceGradients, &WeightGradients<TShape>);

        // ∂(W_f v_b) += Σ_t ∂pre[b, t]: the conditioned input's pre-activation
        var layout = new LstmCache(sequence.Batch, sequence.Time, H);
        RecurrentCommon.SumSequences(sequence, sequence.Cache.Slice(layout.GateGradients, sequence.Batch * sequence.Time * G), G, sequenceGradients.SequenceBias);
    }

    /// <summary>
    /// The backward recurrence of share <paramref name="part"/> of the sequences: ∂gates for every row (into the cache),
    /// h_prev and c_prev, and the gradients of the initial states.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardThroughTime<TShape>(in RecurrentWeights weights, in RecurrentGradients _,
        in RecurrentSequence whole, in RecurrentSequenceGradients wholeGradients, int part, int parts) where TShape : IRecurrentShape
    {
        int H = TShape.Units, G = 4 * H, P = TShape.ProjectionSize, Hh = RecurrentShape.HiddenSize<TShape>();
        int T = whole.Time;
        LstmCache layout = Layout<TShape>(whole.Batch, T);
        (int first, int B) = RecurrentParallel.Share(whole.Batch, part, parts);
        RecurrentSequence share = parts == 1 ? default : whole.Rows(first, B, Hh, H);
        ref readonly RecurrentSequence sequence = ref (parts == 1 ? ref whole : ref share); // no copy for a single share
        RecurrentSequenceGradients sequenceGradients = parts == 1 ? wholeGradients : wholeGradients.Rows(first, B, T, Hh, H, whole.InputStride);
        int r0 = first * T, rows = B * T;
        Span<float> cache = whole.Cache;
        ReadOnlySpan<float> gates = cache.Slice(layout.Gates + r0 * G, rows * G);
        ReadOnlySpan<float> cells = cache.Slice(layout.Cells + r0 * H, rows * H);
        Span<float> dGates = cache.Slice(layout.GateGradients + r0 * G, rows * G);
        Span<float> hPrev = cache.Slice(layout.PreviousHidden + r0 * Hh, rows * Hh);
        Span<float> cPrev = cache.Slice(layout.PreviousCells + r0 * H, rows * H);
        Span<float> dh = cache.Slice(layout.HiddenGradient + first * Hh, B * Hh);
        Span<float> dc = cache.Slice(layout.CellGradient + first * H, B * H);
        Span<float> dhNew = cache.Slice(layout.NewHiddenGradient + first * H, B * H);
        Span<float> dHidden = P > 0 ? cache.Slice(layout.HiddenGradients + r0 * P, rows * P) : default;
        Span<float> dm = P > 0 ? cache.Slice(layout.UnprojectedGradient + first * H, B * H) : default;
        var recurrent = RecurrentStepProduct.Backward(whole, weights.Recurrent, G, Hh, PackedRecurrent<TShape>(whole), pack: false);

        // The state each real step started from, for c_{t−1} in the cell update and h_{t−1} in ∂W_hh.
        RecurrentCommon.GatherPrevious(sequence, sequence.Hidden, sequence.InitialHidden, Hh, hPrev);
        RecurrentCommon.GatherPrevious(sequence, cells, sequence.InitialCell, H, cPrev);

        // Gradient arriving through the final state enters at each sequence's last processed step.
        RecurrentCommon.StartState(sequenceGradients.FinalHidden, dh);
        RecurrentCommon.StartState(sequenceGradients.FinalCell, dc);
        dGates.Clear();
        dHidden.Clear();

        for (int step = T - 1; step >= 0; step--)
        {
            int t = RecurrentCommon.TimeAt(sequence, step);
            if (P > 0)
            {
                Unproject(sequence, sequenceGradients.Hidden, t, weights.Projection, dh, dHidden, dm, H, P);
            }

            for (int b = 0; b < B; b++)
            {
                if (t >= RecurrentCommon.Length(sequence, b))
                {
                    continue; // padding: nothing happened here
                }

                int row = b * T + t;
                Span<float> dhb = P > 0 ? dm.Slice(b * H, H) : dh.Slice(b * H, H), dcb = dc.Slice(b * H, H);
                if (P == 0 && !sequenceGradients.Hidden.IsEmpty)
                {
                    TensorPrimitives.Add(dhb, sequenceGradients.Hidden.Slice(row * H, H), dhb);
                }

                ReadOnlySpan<float> pre = gates.Slice(row * G, G);
                ReadOnlySpan<float> cp = cPrev.Slice(row * H, H);
                Span<float> dz = dGates.Slice(row * G, G);

                // tanh(c_t) for this row; dhNew is free until the recurrent product below overwrites it.
                Span<float> tanhC = dhNew.Slice(b * H, H);
                Activations.Tanh(cells.Slice(row * H, H), tanhC);

                // ∂gates and ∂c_{t−1} of the row from ∂h (∂m with a projection) and ∂c at step t
                LstmCell.Backward(pre, cp, tanhC, dhb, dcb, dz, weights.Peepholes, H);
            }

            // ∂h_{t−1}[B, h] = ∂pre_t · W_hh; padded sequences keep the gradient they carry
            recurrent.Backward(B, dGates.Slice(t * G), T * G, dhNew);
            for (int b = 0; b < B; b++)
            {
                if (t < RecurrentCommon.Length(sequence, b))
                {
                    dhNew.Slice(b * Hh, Hh).CopyTo(dh.Slice(b * Hh, Hh));
                }
            }
        }

        if (!sequenceGradients.InitialHidden.IsEmpty)
        {
            dh.CopyTo(sequenceGradients.InitialHidden);
        }

        if (!sequenceGradients.InitialCell.IsEmpty)
        {
            dc.CopyTo(sequenceGradients.InitialCell);
        }
    }

    /// <summary>
    /// Backward of the projection at step <paramref name="t"/>: ∂h_t of every running sequence (carried, plus what arrives
    /// at its output) is kept as row b·T + t of <paramref name="dHidden"/> for ∂W_hr, and <c>∂m_t[B, H] = ∂h_t · W_hr</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Unproject(in RecurrentSequence sequence, ReadOnlySpan<float> outputGradient, int t, ReadOnlySpan<float> projection,
        Span<float> dh, Span<float> dHidden, Span<float> dm, int H, int P)
    {
        int B = sequence.Batch, T = sequence.Time;
        for (int b = 0; b < B; b++)
        {
            if (t < RecurrentCommon.Length(sequence, b))
            {
                int row = b * T + t;
                Span<float> dhb = dh.Slice(b * P, P);
                if (!outputGradient.IsEmpty)
                {
                    TensorPrimitives.Add(dhb, outputGradient.Slice(row * P, P), dhb);
                }

                dhb.CopyTo(dHidden.Slice(row * P, P));
            }
        }

        // forward: h = m · W_hrᵀ, so ∂m = ∂h · W_hr
        Gemm.MultiplyNN(B, H, P, dh, P, projection, H, dm, H, accumulate: false);
    }

    /// <summary>
    /// Share <paramref name="part"/> of the products over all steps that follow the recurrence: the weight gradients of
    /// its gate rows, and ∂x of its sequences.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradients<TShape>(in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients, int part, int parts) where TShape : IRecurrentShape
    {
        int H = TShape.Units, I = TShape.InputSize, G = 4 * H, P = TShape.ProjectionSize, Hh = RecurrentShape.HiddenSize<TShape>();
        int T = sequence.Time, R = sequence.Batch * T;
        LstmCache layout = Layout<TShape>(sequence.Batch, T);
        Span<float> cache = sequence.Cache;
        ReadOnlySpan<float> dGates = cache.Slice(layout.GateGradients, R * G);
        ReadOnlySpan<float> hPrev = cache.Slice(layout.PreviousHidden, R * Hh);

        // ∂W_ih[4H, I] += ∂preᵀ · x ; ∂W_hh[4H, h] += ∂preᵀ · h_prev ; ∂b += Σ ∂pre — gate rows g0 … g0 + n − 1 of this share
        (int g0, int n) = RecurrentParallel.Share(G, part, parts, multiple: 16);
        Gemm.MultiplyTN(n, I, R, dGates.Slice(g0), G, sequence.Input, sequence.InputStride, gradients.Input.Slice(g0 * I), I, accumulate: true);
        Gemm.MultiplyTN(n, Hh, R, dGates.Slice(g0), G, hPrev, Hh, gradients.Recurrent.Slice(g0 * Hh), Hh, accumulate: true);
        RecurrentCommon.SumRows(dGates, R, G, g0, n, gradients.Bias.Slice(g0));

        if (P > 0)
        {
            // forward: h = W_hr m, so ∂W_hr[P, H] += ∂hᵀ · m over all steps — rows p0 … p0 + np − 1 of this share
            (int p0, int np) = RecurrentParallel.Share(P, part, parts);
            if (np > 0)
            {
                ReadOnlySpan<float> dHidden = cache.Slice(layout.HiddenGradients, R * P), unprojected = cache.Slice(layout.Unprojected, R * H);
                Gemm.MultiplyTN(np, H, R, dHidden.Slice(p0), P, unprojected, H, gradients.Projection.Slice(p0 * H), H, accumulate: true);
            }
        }

        if (!weights.Peepholes.IsEmpty && part == 0)
        {
            // forward: i, f = σ(… + p ⊙ c_prev), o = σ(… + p_o ⊙ c): ∂p_i += Σ ∂z_i ⊙ c_prev, ∂p_f += Σ ∂z_f ⊙ c_prev, ∂p_o += Σ ∂z_o ⊙ c
            ReadOnlySpan<float> cells = cache.Slice(layout.Cells, R * H), cPrev = cache.Slice(layout.PreviousCells, R * H);
            Span<float> dp = gradients.Peepholes;
            for (int r = 0; r < R; r++)
            {
                if (r % T >= RecurrentCommon.Length(sequence, r / T))
                {
                    continue; // padding: no step, and the cache holds no cell state for it
                }

                ReadOnlySpan<float> dz = dGates.Slice(r * G, G), cp = cPrev.Slice(r * H, H);
                TensorPrimitives.MultiplyAdd(dz.Slice(0, H), cp, dp.Slice(0, H), dp.Slice(0, H));
                TensorPrimitives.MultiplyAdd(dz.Slice(H, H), cp, dp.Slice(H, H), dp.Slice(H, H));
                TensorPrimitives.MultiplyAdd(dz.Slice(3 * H, H), cells.Slice(r * H, H), dp.Slice(2 * H, H), dp.Slice(2 * H, H));
            }
        }

        // ∂x[B·T, I] += ∂pre · W_ih for this share's sequences
        if (!sequenceGradients.Input.IsEmpty)
        {
            (int first, int B) = RecurrentParallel.Share(sequence.Batch, part, parts);
            Gemm.MultiplyNN(B * T, I, G, dGates.Slice(first * T * G), G, weights.Input, I,
                sequenceGradients.Input.Slice(first * T * sequence.InputStride), sequence.InputStride, accumulate: true);
        }
    }
}
