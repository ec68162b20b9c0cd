using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Layers;

/// <summary>
/// GRU kernels for one direction of one layer (forward here, backward in <c>GruBackward.cs</c>), gate order r, z, n.
/// Reset-after (weights.RecurrentBias given; PyTorch/cuDNN/Keras default): <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>.
/// Reset-before (Cho et al. 2014): <c>n = tanh(W_in x + b_n + W_hn (r ⊙ h))</c>. Both: <c>h' = (1 − z) ⊙ n + z ⊙ h</c>.
/// The cell's math is <see cref="GruCell"/>, the cache layout <see cref="GruCache"/>.
/// </summary>
public static unsafe partial class GruKernel
{
    /// <summary>Floats of <see cref="RecurrentSequence.Cache"/> needed for <paramref name="batch"/> sequences of <paramref name="time"/> steps (forward cache plus backward scratch).</summary>
    public static int CacheSize<TShape>(int batch, int time) where TShape : IRecurrentShape
        => new GruCache(batch, time, TShape.Units).Size;

    /// <summary>
    /// Runs the layer direction over the batch; fills Hidden, FinalHidden and the cache. With
    /// <see cref="Parallelism.Threads"/> &gt; 1 the sequences are shared out among the threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TShape>(in RecurrentWeights weights, in RecurrentSequence sequence) where TShape : IRecurrentShape
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        int H = TShape.Units, G = 3 * H;
        int parts = RecurrentParallel.Parts(sequence, (long)G * (TShape.InputSize + H));
        if (parts == 1)
        {
            ForwardShare<TShape>(weights, default, sequence, default, 0, 1); // a direct call: a lone stream's step is too short for a pool
        }
        else
        {
            // W_hhᵀ packed once for every share (each share passes pack: false; a single share packs for itself)
            RecurrentStepProduct.Forward(sequence, weights.Recurrent, G, H, PackedRecurrent<TShape>(sequence), allowed: !weights.RecurrentBias.IsEmpty);
            RecurrentParallel.Run(parts, weights, default, sequence, default, &ForwardShare<TShape>);
        }
    }

    /// <summary>Where in the cache the packed copy of W_hh(ᵀ) lives.</summary>
    private static Span<float> PackedRecurrent<TShape>(in RecurrentSequence s) where TShape : IRecurrentShape
    {
        int H = TShape.Units;
        return s.Cache.Slice(new GruCache(s.Batch, s.Time, H).Packed, RecurrentCommon.PackedRecurrentSize(3 * H, H));
    }

    /// <summary>The forward pass of share <paramref name="part"/> of the sequences (all of them when <paramref name="parts"/> = 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardShare<TShape>(in RecurrentWeights weights, in RecurrentGradients _, in RecurrentSequence whole,
        in RecurrentSequenceGradients __, int part, int parts) where TShape : IRecurrentShape
    {
        int H = TShape.Units, I = TShape.InputSize, G = 3 * H;
        int T = whole.Time;
        var layout = new GruCache(whole.Batch, T, H);
        (int first, int B) = RecurrentParallel.Share(whole.Batch, part, parts);
        RecurrentSequence share = parts == 1 ? default : whole.Rows(first, B, H);
        ref readonly RecurrentSequence sequence = ref (parts == 1 ? ref whole : ref share); // no copy for a single share
        Span<float> cache = whole.Cache;
        Span<float> gates = cache.Slice(layout.Gates + first * T * G, B * T * G);
        Span<float> hn = cache.Slice(layout.RecurrentN + first * T * H, B * T * H);
        Span<float> hp = cache.Slice(layout.RecurrentProduct + first * G, B * G);
        Span<float> h = sequence.FinalHidden.Slice(0, B * H);
        bool resetAfter = !weights.RecurrentBias.IsEmpty;
        var recurrent = RecurrentStepProduct.Forward(whole, weights.Recurrent, G, H, PackedRecurrent<TShape>(whole), allowed: resetAfter, pack: parts == 1);

        // pre[B·T, 3H] = x · W_ihᵀ + b_ih for all steps at once
        RecurrentCommon.ProjectInputs(sequence, weights.Input, weights.Bias, I, G, gates);
        RecurrentCommon.StartState(sequence.InitialHidden, h);

        for (int step = 0; step < T; step++)
        {
            int t = RecurrentCommon.TimeAt(sequence, step);
            if (resetAfter)
            {
                // hp[B, 3H] = h_{t−1} · W_hhᵀ + b_hh
                for (int b = 0; b < B; b++)
                {
                    weights.RecurrentBias.CopyTo(hp.Slice(b * G, G));
                }

                recurrent.AddForward(B, h, hp, G);
            }
            else
            {
                // pre_t[:, r z] += h_{t−1} · W_h[r z]ᵀ
                Gemm.MultiplyNT(B, 2 * H, H, h, H, weights.Recurrent, H, gates.Slice(t * G), T * G, accumulate: true);
            }

            for (int b = 0; b < B; b++)
            {
                int row = b * T + t;
                if (t >= RecurrentCommon.Length(sequence, b))
                {
                    sequence.Hidden.Slice(row * H, H).Clear();
                    hn.Slice(row * H, H).Clear();
                    continue;
                }

                Span<float> pre = gates.Slice(row * G, G);
                Span<float> rz = pre.Slice(0, 2 * H), r = pre.Slice(0, H);
                Span<float> hb = h.Slice(b * H, H), hnRow = hn.Slice(row * H, H);
                if (resetAfter)
                {
                    // r, z = σ(x·W_i[r z]ᵀ + b_i + h·W_h[r z]ᵀ + b_h); hn = h·W_hnᵀ + b_hn; n = tanh(pre_n + r ⊙ hn);
                    // h_t = n + z ⊙ (h_{t−1} − n) — one fused pass
                    GruCell.ForwardResetAfter(pre, hp.Slice(b * G, G), hnRow, hb, H);
                    hb.CopyTo(sequence.Hidden.Slice(row * H, H));
                }
                else
                {
                    // r, z = σ(·); rh = r ⊙ h (the n gate's recurrent product follows below, for all rows at once)
                    Activations.Sigmoid(rz, rz);
                    TensorPrimitives.Multiply(r, hb, hnRow);
                }
            }

            if (resetAfter)
            {
                continue; // the fused pass above already produced h_t
            }

            // pre_t[:, n] += (r ⊙ h) · W_hnᵀ
            Gemm.MultiplyNT(B, H, H, hn.Slice(t * H), T * H, weights.Recurrent.Slice(2 * H * H), H, gates.Slice(t * G + 2 * H), T * G, accumulate: true);
            for (int b = 0; b < B; b++)
            {
                int row = b * T + t;
                if (t >= RecurrentCommon.Length(sequence, b))
                {
                    continue;
                }

                // n = tanh(pre_n); h_t = (1 − z) ⊙ n + z ⊙ h_{t−1} = n + z ⊙ (h_{t−1} − n)
                Span<float> pre = gates.Slice(row * G, G);
                Span<float> z = pre.Slice(H, H), n = pre.Slice(2 * H, H);
                Span<float> hb = h.Slice(b * H, H);
                Activations.Tanh(n, n);
                TensorPrimitives.Subtract(hb, n, hb);
                TensorPrimitives.MultiplyAdd(z, hb, n, hb);
                hb.CopyTo(sequence.Hidden.Slice(row * H, H));
            }
        }
    }
}
