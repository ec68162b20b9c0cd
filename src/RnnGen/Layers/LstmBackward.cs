using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
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
    public static void Backward<TShape>(in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients) where TShape : IRecurrentShape
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        int H = TShape.Units, G = 4 * H;

        // ∂pre · W_hh per step, over W_hh packed once per call into the cache (where the forward's packed W_hhᵀ was) when that pays
        RecurrentStepProduct.Backward(sequence, weights.Recurrent, G, H, PackedRecurrent<TShape>(sequence));
        int parts = RecurrentParallel.Parts(sequence, 3L * G * (TShape.InputSize + H));
        RecurrentParallel.Run(parts, weights, gradients, sequence, sequenceGradients, &BackwardThroughTime<TShape>);
        RecurrentParallel.Run(parts, weights, gradients, sequence, sequenceGradients, &WeightGradients<TShape>);
    }

    /// <summary>
    /// The backward recurrence of share <paramref name="part"/> of the sequences: ∂gates for every row (into the cache),
    /// h_prev and c_prev, and the gradients of the initial states.
    /// </summary>
    private static void BackwardThroughTime<TShape>(in RecurrentWeights weights, in RecurrentGradients _,
        in RecurrentSequence whole, in RecurrentSequenceGradients wholeGradients, int part, int parts) where TShape : IRecurrentShape
    {
        int H = TShape.Units, G = 4 * H;
        int T = whole.Time, R = whole.Batch * T;
        (int first, int B) = RecurrentParallel.Share(whole.Batch, part, parts);
        RecurrentSequence share = parts == 1 ? default : whole.Rows(first, B, H);
        ref readonly RecurrentSequence sequence = ref (parts == 1 ? ref whole : ref share); // no copy for a single share
        RecurrentSequenceGradients sequenceGradients = parts == 1 ? wholeGradients : wholeGradients.Rows(first, B, T, H, whole.InputStride);
        int r0 = first * T, rows = B * T;
        Span<float> cache = whole.Cache;
        ReadOnlySpan<float> gates = cache.Slice(r0 * G, rows * G);
        ReadOnlySpan<float> cells = cache.Slice(R * G + r0 * H, rows * H);
        Span<float> dGates = cache.Slice(R * 5 * H + r0 * G, rows * G);
        Span<float> hPrev = cache.Slice(R * 9 * H + r0 * H, rows * H);
        Span<float> cPrev = cache.Slice(R * 10 * H + r0 * H, rows * H);
        int scratch = R * 11 * H + first * H, BH = whole.Batch * H;
        Span<float> dh = cache.Slice(scratch, B * H);
        Span<float> dc = cache.Slice(scratch + BH, B * H);
        Span<float> dhNew = cache.Slice(scratch + 2 * BH, B * H);
        bool peepholes = !weights.Peepholes.IsEmpty;
        var recurrent = RecurrentStepProduct.Backward(whole, weights.Recurrent, G, H, PackedRecurrent<TShape>(whole), pack: false);

        // The state each real step started from, for c_{t−1} in the cell update and h_{t−1} in ∂W_hh.
        RecurrentCommon.GatherPrevious(sequence, sequence.Hidden, sequence.InitialHidden, H, hPrev);
        RecurrentCommon.GatherPrevious(sequence, cells, sequence.InitialCell, H, cPrev);

        // Gradient arriving through the final state enters at each sequence's last processed step.
        RecurrentCommon.StartState(sequenceGradients.FinalHidden, dh);
        RecurrentCommon.StartState(sequenceGradients.FinalCell, dc);
        dGates.Clear();

        for (int step = T - 1; step >= 0; step--)
        {
            int t = RecurrentCommon.TimeAt(sequence, step);
            for (int b = 0; b < B; b++)
            {
                if (t >= RecurrentCommon.Length(sequence, b))
                {
                    continue; // padding: nothing happened here
                }

                int row = b * T + t;
                Span<float> dhb = dh.Slice(b * H, H), dcb = dc.Slice(b * H, H);
                if (!sequenceGradients.Hidden.IsEmpty)
                {
                    TensorPrimitives.Add(dhb, sequenceGradients.Hidden.Slice(row * H, H), dhb);
                }

                ReadOnlySpan<float> pre = gates.Slice(row * G, G);
                ReadOnlySpan<float> cp = cPrev.Slice(row * H, H);
                Span<float> dz = dGates.Slice(row * G, G);

                // tanh(c_t) for this row; dhNew is free until the recurrent product below overwrites it.
                Span<float> tanhC = dhNew.Slice(b * H, H);
                Activations.Tanh(cells.Slice(row * H, H), tanhC);
                int j = peepholes ? 0 : CellBackwardVector(H, pre, cp, tanhC, dhb, dcb, dz);
                for (; j < H; j++)
                {
                    float i = pre[j], f = pre[H + j], g = pre[2 * H + j], o = pre[3 * H + j];
                    float tc = tanhC[j];

                    // forward: h = o ⊙ tanh(c), so ∂o = ∂h ⊙ tanh(c) and ∂c += ∂h ⊙ o ⊙ (1 − tanh²(c))
                    float dzo = dhb[j] * tc * o * (1 - o);
                    float dcj = dcb[j] + dhb[j] * o * (1 - tc * tc);
                    if (peepholes)
                    {
                        // forward: o = σ(… + p_o ⊙ c), so ∂c += ∂z_o ⊙ p_o
                        dcj += dzo * weights.Peepholes[2 * H + j];
                    }

                    // forward: c = f ⊙ c_prev + i ⊙ g
                    float dzi = dcj * g * i * (1 - i);
                    float dzf = dcj * cp[j] * f * (1 - f);
                    float dzg = dcj * i * (1 - g * g);
                    float dcPrev = dcj * f;
                    if (peepholes)
                    {
                        // forward: i = σ(… + p_i ⊙ c_prev), f = σ(… + p_f ⊙ c_prev) (their gradients: WeightGradients)
                        dcPrev += dzi * weights.Peepholes[j] + dzf * weights.Peepholes[H + j];
                    }

                    dz[j] = dzi;
                    dz[H + j] = dzf;
                    dz[2 * H + j] = dzg;
                    dz[3 * H + j] = dzo;
                    dcb[j] = dcPrev;
                }
            }

            // ∂h_{t−1}[B, H] = ∂pre_t · W_hh; padded sequences keep the gradient they carry
            recurrent.Backward(B, dGates.Slice(t * G), T * G, dhNew);
            for (int b = 0; b < B; b++)
            {
                if (t < RecurrentCommon.Length(sequence, b))
                {
                    dhNew.Slice(b * H, H).CopyTo(dh.Slice(b * H, H));
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
    /// Share <paramref name="part"/> of the products over all steps that follow the recurrence: the weight gradients of
    /// its gate rows, and ∂x of its sequences.
    /// </summary>
    private static void WeightGradients<TShape>(in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients, int part, int parts) where TShape : IRecurrentShape
    {
        int H = TShape.Units, I = TShape.InputSize, G = 4 * H;
        int T = sequence.Time, R = sequence.Batch * T;
        Span<float> cache = sequence.Cache;
        ReadOnlySpan<float> dGates = cache.Slice(R * 5 * H, R * G);
        ReadOnlySpan<float> hPrev = cache.Slice(R * 9 * H, R * H);

        // ∂W_ih[4H, I] += ∂preᵀ · x ; ∂W_hh[4H, H] += ∂preᵀ · h_prev ; ∂b += Σ ∂pre — gate rows g0 … g0 + n − 1 of this share
        (int g0, int n) = RecurrentParallel.Share(G, part, parts, multiple: 16);
        Gemm.MultiplyTN(n, I, R, dGates.Slice(g0), G, sequence.Input, sequence.InputStride, gradients.Input.Slice(g0 * I), I, accumulate: true);
        Gemm.MultiplyTN(n, H, R, dGates.Slice(g0), G, hPrev, H, gradients.Recurrent.Slice(g0 * H), H, accumulate: true);
        RecurrentCommon.SumRows(dGates, R, G, g0, n, gradients.Bias.Slice(g0));

        if (!weights.Peepholes.IsEmpty && part == 0)
        {
            // forward: i, f = σ(… + p ⊙ c_prev), o = σ(… + p_o ⊙ c): ∂p_i += Σ ∂z_i ⊙ c_prev, ∂p_f += Σ ∂z_f ⊙ c_prev, ∂p_o += Σ ∂z_o ⊙ c
            ReadOnlySpan<float> cells = cache.Slice(R * G, R * H), cPrev = cache.Slice(R * 10 * H, R * H);
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

    /// <summary>
    /// The cell's backward step (no peepholes) on 8 units at a time — the same equations as the scalar loop, which finishes
    /// the tail. Returns the first unit not done.
    /// </summary>
    private static int CellBackwardVector(int H, ReadOnlySpan<float> pre, ReadOnlySpan<float> cp,
        ReadOnlySpan<float> tanhC, Span<float> dh, Span<float> dc, Span<float> dz)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return 0;
        }

        Vector256<float> one = Vector256<float>.One;
        int j = 0;
        for (; j + 8 <= H; j += 8)
        {
            Vector256<float> i = Vector256.Create(pre.Slice(j, 8)), f = Vector256.Create(pre.Slice(H + j, 8));
            Vector256<float> g = Vector256.Create(pre.Slice(2 * H + j, 8)), o = Vector256.Create(pre.Slice(3 * H + j, 8));
            Vector256<float> tc = Vector256.Create(tanhC.Slice(j, 8)), d = Vector256.Create(dh.Slice(j, 8));
            Vector256<float> dzo = d * tc * o * (one - o);
            Vector256<float> dcj = Vector256.Create(dc.Slice(j, 8)) + d * o * (one - tc * tc);
            Vector256<float> dzi = dcj * g * i * (one - i);
            Vector256<float> dzf = dcj * Vector256.Create(cp.Slice(j, 8)) * f * (one - f);
            Vector256<float> dzg = dcj * i * (one - g * g);
            dzi.CopyTo(dz.Slice(j, 8));
            dzf.CopyTo(dz.Slice(H + j, 8));
            dzg.CopyTo(dz.Slice(2 * H + j, 8));
            dzo.CopyTo(dz.Slice(3 * H + j, 8));
            (dcj * f).CopyTo(dc.Slice(j, 8));
        }

        return j;
    }
}
