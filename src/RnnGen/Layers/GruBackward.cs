using System.Runtime.Intrinsics;
using RnnGen.Kernels;

namespace RnnGen.Layers;

public static partial class GruKernel
{
    /// <summary>
    /// Backpropagation through time over the steps of the last <see cref="Forward"/> with the same
    /// <paramref name="sequence"/> (its cache intact): accumulates parameter gradients, and the input and
    /// initial-state gradients where requested.
    /// </summary>
    public static void Backward<TShape>(in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients) where TShape : IRecurrentShape
    {
        int H = TShape.Units, I = TShape.InputSize, G = 3 * H;
        int B = sequence.Batch, T = sequence.Time, R = B * T;
        Span<float> cache = sequence.Cache;
        ReadOnlySpan<float> gates = cache.Slice(0, R * G);
        ReadOnlySpan<float> hn = cache.Slice(R * G, R * H);
        Span<float> dIh = cache.Slice(R * 4 * H, R * G);
        Span<float> dHh = cache.Slice(R * 7 * H, R * G);
        Span<float> hPrev = cache.Slice(R * 10 * H, R * H);
        Span<float> dh = cache.Slice(R * 11 * H + B * G, B * H);
        Span<float> dhNew = cache.Slice(R * 11 * H + B * G + B * H, B * H);
        Span<float> dhDirect = cache.Slice(R * 11 * H + B * G + 2 * B * H, B * H);
        Span<float> dRh = cache.Slice(R * 11 * H + B * G + 3 * B * H, B * H);
        bool resetAfter = !weights.RecurrentBias.IsEmpty;
        ReadOnlySpan<float> wHn = weights.Recurrent.Slice(2 * H * H, H * H);

        // Reset-after: ∂a_hh · W_hh per step, over W_hh packed once per call into the cache (where the forward's copy was) when that pays
        var recurrent = RecurrentStepProduct.Backward(sequence, weights.Recurrent, G, H,
            cache.Slice(R * 11 * H + 7 * B * H, RecurrentCommon.PackedRecurrentSize(G, H)), allowed: resetAfter);

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
                int start = CellBackwardVector(H, resetAfter, pre, hp, hnRow, dhb, dHidden, di, dhh, dhDirect.Slice(b * H, H));
                for (int j = start; j < H; j++)
                {
                    float g = dhb[j] + (dHidden.IsEmpty ? 0 : dHidden[j]);
                    float r = pre[j], z = pre[H + j], n = pre[2 * H + j];

                    // forward: h = (1 − z) ⊙ n + z ⊙ h_prev
                    float dn = g * (1 - z);
                    float dzPre = g * (hp[j] - n) * z * (1 - z);
                    float dnPre = dn * (1 - n * n);
                    dhDirect[b * H + j] = g * z;
                    di[H + j] = dzPre;
                    di[2 * H + j] = dnPre;
                    if (resetAfter)
                    {
                        // forward: n = tanh(… + r ⊙ hn), hn = W_hn h + b_hn, so ∂r = ∂n_pre ⊙ hn and ∂hn = ∂n_pre ⊙ r
                        float drPre = dnPre * hnRow[j] * r * (1 - r);
                        di[j] = drPre;
                        dhh[j] = drPre;
                        dhh[H + j] = dzPre;
                        dhh[2 * H + j] = dnPre * r;
                    }
                }
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

        // Weight gradients, one matrix product over all steps each.
        Gemm.MultiplyTN(G, I, R, dIh, G, sequence.Input, sequence.InputStride, gradients.Input, I, accumulate: true);
        RecurrentCommon.SumRows(dIh, R, G, 0, G, gradients.Bias);
        if (resetAfter)
        {
            Gemm.MultiplyTN(G, H, R, dHh, G, hPrev, H, gradients.Recurrent, H, accumulate: true);
            RecurrentCommon.SumRows(dHh, R, G, 0, G, gradients.RecurrentBias);
        }
        else
        {
            // ∂W_h[r z] += ∂a[r z]ᵀ · h_prev ; ∂W_hn += ∂n_preᵀ · (r ⊙ h_prev)
            Gemm.MultiplyTN(2 * H, H, R, dIh, G, hPrev, H, gradients.Recurrent, H, accumulate: true);
            Gemm.MultiplyTN(H, H, R, dIh.Slice(2 * H), G, hn, H, gradients.Recurrent.Slice(2 * H * H), H, accumulate: true);
        }

        if (!sequenceGradients.Input.IsEmpty)
        {
            Gemm.MultiplyNN(R, I, G, dIh, G, weights.Input, I, sequenceGradients.Input, sequence.InputStride, accumulate: true);
        }
    }

    /// <summary>
    /// The cell's backward step on 8 units at a time — the same equations as the scalar loop, which finishes the tail.
    /// Returns the first unit not done.
    /// </summary>
    private static int CellBackwardVector(int H, bool resetAfter, ReadOnlySpan<float> pre, ReadOnlySpan<float> hp,
        ReadOnlySpan<float> hn, ReadOnlySpan<float> dh, ReadOnlySpan<float> dHidden, Span<float> di, Span<float> dhh, Span<float> dhDirect)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return 0;
        }

        Vector256<float> one = Vector256<float>.One;
        int j = 0;
        for (; j + 8 <= H; j += 8)
        {
            Vector256<float> g = Vector256.Create(dh.Slice(j, 8));
            if (!dHidden.IsEmpty)
            {
                g += Vector256.Create(dHidden.Slice(j, 8));
            }

            Vector256<float> r = Vector256.Create(pre.Slice(j, 8)), z = Vector256.Create(pre.Slice(H + j, 8));
            Vector256<float> n = Vector256.Create(pre.Slice(2 * H + j, 8));
            Vector256<float> dzPre = g * (Vector256.Create(hp.Slice(j, 8)) - n) * z * (one - z);
            Vector256<float> dnPre = g * (one - z) * (one - n * n);
            (g * z).CopyTo(dhDirect.Slice(j, 8));
            dzPre.CopyTo(di.Slice(H + j, 8));
            dnPre.CopyTo(di.Slice(2 * H + j, 8));
            if (resetAfter)
            {
                Vector256<float> drPre = dnPre * Vector256.Create(hn.Slice(j, 8)) * r * (one - r);
                drPre.CopyTo(di.Slice(j, 8));
                drPre.CopyTo(dhh.Slice(j, 8));
                dzPre.CopyTo(dhh.Slice(H + j, 8));
                (dnPre * r).CopyTo(dhh.Slice(2 * H + j, 8));
            }
        }

        return j;
    }
}
