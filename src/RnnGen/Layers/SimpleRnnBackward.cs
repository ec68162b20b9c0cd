using System.Numerics.Tensors;
using RnnGen.Kernels;

namespace RnnGen.Layers;

public static partial class SimpleRnnKernel
{
    /// <summary>
    /// Backpropagation through time over the steps of the last <see cref="Forward"/> with the same
    /// <paramref name="sequence"/> (its cache intact): accumulates parameter gradients, and the input and
    /// initial-state gradients where requested.
    /// </summary>
    public static void Backward<TShape>(Activation activation, in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients) where TShape : IRecurrentShape
    {
        CheckActivation(activation);
        int H = TShape.Units, I = TShape.InputSize;
        int B = sequence.Batch, T = sequence.Time, R = B * T;
        Span<float> cache = sequence.Cache;
        ReadOnlySpan<float> a = cache.Slice(0, R * H);
        Span<float> dPre = cache.Slice(R * H, R * H);
        Span<float> hPrev = cache.Slice(2 * R * H, R * H);
        Span<float> dh = cache.Slice(3 * R * H, B * H);
        Span<float> dhNew = cache.Slice(3 * R * H + B * H, B * H);

        // ∂pre · W_hh per step, over W_hh packed once per call into the cache (where the forward's packed W_hhᵀ was) when that pays
        var recurrent = RecurrentStepProduct.Backward(sequence, weights.Recurrent, H, H, cache.Slice(3 * R * H + 2 * B * H, RecurrentCommon.PackedRecurrentSize(H, H)));

        RecurrentCommon.GatherPrevious(sequence, sequence.Hidden, sequence.InitialHidden, H, hPrev);
        RecurrentCommon.StartState(sequenceGradients.FinalHidden, dh);
        dPre.Clear();

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
                if (!sequenceGradients.Hidden.IsEmpty)
                {
                    TensorPrimitives.Add(dhb, sequenceGradients.Hidden.Slice(row * H, H), dhb);
                }

                // forward: h = act(pre), so ∂pre = ∂h ⊙ act'(pre), written with h
                Span<float> d = dPre.Slice(row * H, H);
                dhb.CopyTo(d);
                DenseKernel.ActivationBackward(activation, a.Slice(row * H, H), d, H);
            }

            // ∂h_{t−1}[B, H] = ∂pre_t · W_hh; padded sequences keep the gradient they carry
            recurrent.Backward(B, dPre.Slice(t * H), T * H, dhNew);
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

        // ∂W_ih += ∂preᵀ · x ; ∂W_hh += ∂preᵀ · h_prev ; ∂b += Σ ∂pre ; ∂x += ∂pre · W_ih
        Gemm.MultiplyTN(H, I, R, dPre, H, sequence.Input, sequence.InputStride, gradients.Input, I, accumulate: true);
        Gemm.MultiplyTN(H, H, R, dPre, H, hPrev, H, gradients.Recurrent, H, accumulate: true);
        RecurrentCommon.SumRows(dPre, R, H, 0, H, gradients.Bias);
        if (!sequenceGradients.Input.IsEmpty)
        {
            Gemm.MultiplyNN(R, I, H, dPre, H, weights.Input, I, sequenceGradients.Input, sequence.InputStride, accumulate: true);
        }
    }
}
