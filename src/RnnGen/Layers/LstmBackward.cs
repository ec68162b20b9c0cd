using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using RnnGen.Kernels;

namespace RnnGen.Layers;

public static partial class LstmKernel
{
    /// <summary>
    /// Backpropagation through time over the steps of the last <see cref="Forward"/> with the same
    /// <paramref name="sequence"/> (its cache intact): accumulates parameter gradients, and the input and
    /// initial-state gradients where requested.
    /// </summary>
    public static void Backward<TShape>(in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients) where TShape : IRecurrentShape
    {
        int H = TShape.Units, I = TShape.InputSize, G = 4 * H;
        int B = sequence.Batch, T = sequence.Time, R = B * T;
        Span<float> cache = sequence.Cache;
        ReadOnlySpan<float> gates = cache.Slice(0, R * G);
        ReadOnlySpan<float> cells = cache.Slice(R * G, R * H);
        Span<float> dGates = cache.Slice(R * 5 * H, R * G);
        Span<float> hPrev = cache.Slice(R * 9 * H, R * H);
        Span<float> cPrev = cache.Slice(R * 10 * H, R * H);
        Span<float> dh = cache.Slice(R * 11 * H, B * H);
        Span<float> dc = cache.Slice(R * 11 * H + B * H, B * H);
        Span<float> dhNew = cache.Slice(R * 11 * H + 2 * B * H, B * H);
        bool peepholes = !weights.Peepholes.IsEmpty;

        // ∂pre · W_hh per step, over W_hh packed once per call into the cache (where the forward's packed W_hhᵀ was) when that pays
        var recurrent = RecurrentStepProduct.Backward(sequence, weights.Recurrent, G, H, cache.Slice(R * 11 * H + 3 * B * H, RecurrentCommon.PackedRecurrentSize(G, H)));

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
                ReadOnlySpan<float> c = cells.Slice(row * H, H), cp = cPrev.Slice(row * H, H);
                Span<float> dz = dGates.Slice(row * G, G);

                // tanh(c_t) for this row; dhNew is free until the recurrent product below overwrites it.
                Span<float> tanhC = dhNew.Slice(b * H, H);
                Activations.Tanh(c, tanhC);
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
                        // forward: i = σ(… + p_i ⊙ c_prev), f = σ(… + p_f ⊙ c_prev)
                        dcPrev += dzi * weights.Peepholes[j] + dzf * weights.Peepholes[H + j];
                        gradients.Peepholes[j] += dzi * cp[j];
                        gradients.Peepholes[H + j] += dzf * cp[j];
                        gradients.Peepholes[2 * H + j] += dzo * c[j];
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

        // Weight gradients: one matrix product over all steps each.
        // ∂W_ih[4H, I] += ∂preᵀ · x ; ∂W_hh[4H, H] += ∂preᵀ · h_prev ; ∂b += Σ ∂pre
        Gemm.MultiplyTN(G, I, R, dGates, G, sequence.Input, sequence.InputStride, gradients.Input, I, accumulate: true);
        Gemm.MultiplyTN(G, H, R, dGates, G, hPrev, H, gradients.Recurrent, H, accumulate: true);
        RecurrentCommon.SumRows(dGates, R, G, 0, G, gradients.Bias);

        // ∂x[B·T, I] += ∂pre · W_ih
        if (!sequenceGradients.Input.IsEmpty)
        {
            Gemm.MultiplyNN(R, I, G, dGates, G, weights.Input, I, sequenceGradients.Input, sequence.InputStride, accumulate: true);
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
