using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Layers;

public static unsafe partial class SimpleRnnKernel
{
    /// <summary>
    /// Backpropagation through time over the steps of the last <see cref="Forward"/> with the same
    /// <paramref name="sequence"/> (its cache intact): accumulates parameter gradients, and the input and
    /// initial-state gradients where requested. With <see cref="Parallelism.Threads"/> &gt; 1 the recurrence is shared
    /// out by sequences and the weight-gradient products by rows of the weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TShape>(Activation activation, in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients) where TShape : IRecurrentShape
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        CheckActivation(activation);
        int H = TShape.Units;

        // ∂pre · W_hh per step, over W_hh packed once per call into the cache (where the forward's packed W_hhᵀ was) when that pays
        RecurrentStepProduct.Backward(sequence, weights.Recurrent, H, H, PackedRecurrent<TShape>(sequence));
        int parts = RecurrentParallel.Parts(sequence, 3L * H * (TShape.InputSize + H));
        switch (activation)
        {
            case Activation.Tanh: RecurrentParallel.Run(parts, weights, gradients, sequence, sequenceGradients, &BackwardThroughTime<TShape, TanhActivation>); break;
            case Activation.Relu: RecurrentParallel.Run(parts, weights, gradients, sequence, sequenceGradients, &BackwardThroughTime<TShape, ReluActivation>); break;
            default: RecurrentParallel.Run(parts, weights, gradients, sequence, sequenceGradients, &BackwardThroughTime<TShape, SigmoidActivation>); break;
        }

        RecurrentParallel.Run(parts, weights, gradients, sequence, sequenceGradients, &WeightGradients<TShape>);

        // ∂(W_f v_b) += Σ_t ∂pre[b, t]: the conditioned input's pre-activation
        var layout = new SimpleRnnCache(sequence.Batch, sequence.Time, H);
        RecurrentCommon.SumSequences(sequence, sequence.Cache.Slice(layout.PreActivationGradients, sequence.Batch * sequence.Time * H), H, sequenceGradients.SequenceBias);
    }

    /// <summary>The backward recurrence of share <paramref name="part"/> of the sequences: ∂pre for every row (into the cache), h_prev, ∂h_0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardThroughTime<TShape, TActivation>(in RecurrentWeights weights, in RecurrentGradients _,
        in RecurrentSequence whole, in RecurrentSequenceGradients wholeGradients, int part, int parts)
        where TShape : IRecurrentShape where TActivation : IActivationKind
    {
        Activation activation = TActivation.Kind;
        int H = TShape.Units;
        int T = whole.Time;
        var layout = new SimpleRnnCache(whole.Batch, T, H);
        (int first, int B) = RecurrentParallel.Share(whole.Batch, part, parts);
        RecurrentSequence share = parts == 1 ? default : whole.Rows(first, B, H);
        ref readonly RecurrentSequence sequence = ref (parts == 1 ? ref whole : ref share); // no copy for a single share
        RecurrentSequenceGradients sequenceGradients = parts == 1 ? wholeGradients : wholeGradients.Rows(first, B, T, H, whole.InputStride);
        int r0 = first * T, rows = B * T;
        Span<float> cache = whole.Cache;
        ReadOnlySpan<float> a = cache.Slice(layout.Activations + r0 * H, rows * H);
        Span<float> dPre = cache.Slice(layout.PreActivationGradients + r0 * H, rows * H);
        Span<float> hPrev = cache.Slice(layout.PreviousHidden + r0 * H, rows * H);
        Span<float> dh = cache.Slice(layout.HiddenGradient + first * H, B * H);
        Span<float> dhNew = cache.Slice(layout.NewHiddenGradient + first * H, B * H);
        var recurrent = RecurrentStepProduct.Backward(whole, weights.Recurrent, H, H, PackedRecurrent<TShape>(whole), pack: false);

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
                SimpleRnnCell.Backward(activation, a.Slice(row * H, H), d);
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
    }

    /// <summary>
    /// Share <paramref name="part"/> of the products over all steps that follow the recurrence: the weight gradients of
    /// its rows of the weights, and ∂x of its sequences.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradients<TShape>(in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients, int part, int parts) where TShape : IRecurrentShape
    {
        int H = TShape.Units, I = TShape.InputSize;
        int T = sequence.Time, R = sequence.Batch * T;
        var layout = new SimpleRnnCache(sequence.Batch, T, H);
        ReadOnlySpan<float> dPre = sequence.Cache.Slice(layout.PreActivationGradients, R * H);
        ReadOnlySpan<float> hPrev = sequence.Cache.Slice(layout.PreviousHidden, R * H);

        // ∂W_ih += ∂preᵀ · x ; ∂W_hh += ∂preᵀ · h_prev ; ∂b += Σ ∂pre (rows u0 … u0 + n − 1 of this share); ∂x += ∂pre · W_ih
        (int u0, int n) = RecurrentParallel.Share(H, part, parts, multiple: 16);
        Gemm.MultiplyTN(n, I, R, dPre.Slice(u0), H, sequence.Input, sequence.InputStride, gradients.Input.Slice(u0 * I), I, accumulate: true);
        Gemm.MultiplyTN(n, H, R, dPre.Slice(u0), H, hPrev, H, gradients.Recurrent.Slice(u0 * H), H, accumulate: true);
        RecurrentCommon.SumRows(dPre, R, H, u0, n, gradients.Bias.Slice(u0));
        if (!sequenceGradients.Input.IsEmpty)
        {
            (int first, int B) = RecurrentParallel.Share(sequence.Batch, part, parts);
            Gemm.MultiplyNN(B * T, I, H, dPre.Slice(first * T * H), H, weights.Input, I,
                sequenceGradients.Input.Slice(first * T * sequence.InputStride), sequence.InputStride, accumulate: true);
        }
    }
}
