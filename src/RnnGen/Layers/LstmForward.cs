using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Layers;

/// <summary>
/// LSTM kernels for one direction of one layer over a batch (forward here, backward in <c>LstmBackward.cs</c>).
/// Gate order i, f, g, o (PyTorch). The cell's math is <see cref="LstmCell"/>, the cache layout <see cref="LstmCache"/>.
/// </summary>
public static unsafe partial class LstmKernel
{
    /// <summary>Floats of <see cref="RecurrentSequence.Cache"/> needed for <paramref name="batch"/> sequences of <paramref name="time"/> steps (forward cache plus backward scratch).</summary>
    public static int CacheSize<TShape>(int batch, int time) where TShape : IRecurrentShape
        => Layout<TShape>(batch, time).Size;

    /// <summary>The cache layout of a call over <paramref name="batch"/> sequences of <paramref name="time"/> steps.</summary>
    private static LstmCache Layout<TShape>(int batch, int time) where TShape : IRecurrentShape
        => new(batch, time, TShape.Units, TShape.ProjectionSize);

    /// <summary>
    /// Runs the layer direction over the batch; fills Hidden, FinalHidden, FinalCell and the cache. With
    /// <see cref="Parallelism.Threads"/> &gt; 1 the sequences are shared out among the threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TShape>(in RecurrentWeights weights, in RecurrentSequence sequence) where TShape : IRecurrentShape
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        int H = TShape.Units, G = 4 * H, P = TShape.ProjectionSize, Hh = RecurrentShape.HiddenSize<TShape>();
        int parts = RecurrentParallel.Parts(sequence, (long)G * (TShape.InputSize + Hh) + (long)P * H);
        if (parts == 1)
        {
            ForwardShare<TShape>(weights, default, sequence, default, 0, 1); // a direct call: a lone stream's step is too short for a pool
        }
        else
        {
            // W_hhᵀ packed once for every share (each share passes pack: false; a single share packs for itself)
            RecurrentStepProduct.Forward(sequence, weights.Recurrent, G, Hh, PackedRecurrent<TShape>(sequence));
            RecurrentParallel.Run(parts, weights, default, sequence, default, &ForwardShare<TShape>);
        }
    }

    /// <summary>Where in the cache the packed copy of W_hh(ᵀ) lives.</summary>
    private static Span<float> PackedRecurrent<TShape>(in RecurrentSequence s) where TShape : IRecurrentShape
    {
        int H = TShape.Units;
        return s.Cache.Slice(Layout<TShape>(s.Batch, s.Time).Packed, RecurrentCommon.PackedRecurrentSize(4 * H, RecurrentShape.HiddenSize<TShape>()));
    }

    /// <summary>The forward pass of share <paramref name="part"/> of the sequences (all of them when <paramref name="parts"/> = 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardShare<TShape>(in RecurrentWeights weights, in RecurrentGradients _, in RecurrentSequence whole,
        in RecurrentSequenceGradients __, int part, int parts) where TShape : IRecurrentShape
    {
        int H = TShape.Units, I = TShape.InputSize, G = 4 * H, P = TShape.ProjectionSize, Hh = RecurrentShape.HiddenSize<TShape>();
        int T = whole.Time;
        LstmCache layout = Layout<TShape>(whole.Batch, T);
        (int first, int B) = RecurrentParallel.Share(whole.Batch, part, parts);
        RecurrentSequence share = parts == 1 ? default : whole.Rows(first, B, Hh, H);
        ref readonly RecurrentSequence sequence = ref (parts == 1 ? ref whole : ref share); // no copy for a single share
        Span<float> gates = whole.Cache.Slice(layout.Gates + first * T * G, B * T * G);
        Span<float> cells = whole.Cache.Slice(layout.Cells + first * T * H, B * T * H);
        Span<float> unprojected = P > 0 ? whole.Cache.Slice(layout.Unprojected + first * T * H, B * T * H) : default;
        Span<float> stepHidden = P > 0 ? whole.Cache.Slice(layout.StepHidden + first * P, B * P) : default;
        Span<float> h = sequence.FinalHidden.Slice(0, B * Hh);
        Span<float> c = sequence.FinalCell.Slice(0, B * H);
        var recurrent = RecurrentStepProduct.Forward(whole, weights.Recurrent, G, Hh, PackedRecurrent<TShape>(whole), pack: parts == 1);

        // pre[B·T, 4H] = x · W_ihᵀ + b for all steps at once
        RecurrentCommon.ProjectInputs(sequence, weights.Input, weights.Bias, I, G, gates);
        RecurrentCommon.StartState(sequence.InitialHidden, h);
        RecurrentCommon.StartState(sequence.InitialCell, c);

        for (int step = 0; step < T; step++)
        {
            int t = RecurrentCommon.TimeAt(sequence, step);

            // pre_t[B, 4H] += h_{t−1} · W_hhᵀ   (rows b·T + t of the gate buffer)
            recurrent.AddForward(B, h, gates.Slice(t * G), T * G);

            for (int b = 0; b < B; b++)
            {
                int row = b * T + t;
                Span<float> hOut = sequence.Hidden.Slice(row * Hh, Hh);
                if (t >= RecurrentCommon.Length(sequence, b))
                {
                    hOut.Clear(); // padding: the state is frozen, the output is zero
                    if (P > 0)
                    {
                        unprojected.Slice(row * H, H).Clear(); // its (zero) ∂h_t meets no stale value in ∂W_hr
                    }

                    continue;
                }

                Span<float> pre = gates.Slice(row * G, G);
                Span<float> cb = c.Slice(b * H, H);
                if (P > 0)
                {
                    // as below, with m_t = o ⊙ tanh(c_t) kept for the projection
                    LstmCell.Forward(pre, cb, unprojected.Slice(row * H, H), weights.Peepholes, H);
                    cb.CopyTo(cells.Slice(row * H, H));
                    continue;
                }

                Span<float> hb = h.Slice(b * H, H);

                // i, f, o = σ(·) (peepholes: + p ⊙ c), g = tanh(·); c_t = f ⊙ c_{t−1} + i ⊙ g; h_t = o ⊙ tanh(c_t) — one fused pass
                LstmCell.Forward(pre, cb, hb, weights.Peepholes, H);

                cb.CopyTo(cells.Slice(row * H, H));
                hb.CopyTo(hOut);
            }

            if (P > 0)
            {
                Project(sequence, t, unprojected, weights.Projection, stepHidden, h, H, P);
            }
        }
    }

    /// <summary>
    /// The projection of step <paramref name="t"/>: <c>h_t[B, P] = m_t · W_hrᵀ</c> (m_t: rows b·T + t of
    /// <paramref name="unprojected"/>), then h_t becomes the state and the output of every sequence still running.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Project(in RecurrentSequence sequence, int t, ReadOnlySpan<float> unprojected, ReadOnlySpan<float> projection,
        Span<float> stepHidden, Span<float> h, int H, int P)
    {
        int B = sequence.Batch, T = sequence.Time;
        Gemm.MultiplyNT(B, P, H, unprojected.Slice(t * H), T * H, projection, H, stepHidden, P, accumulate: false);
        for (int b = 0; b < B; b++)
        {
            if (t < RecurrentCommon.Length(sequence, b))
            {
                ReadOnlySpan<float> hb = stepHidden.Slice(b * P, P);
                hb.CopyTo(h.Slice(b * P, P));
                hb.CopyTo(sequence.Hidden.Slice((b * T + t) * P, P));
            }
        }
    }
}
