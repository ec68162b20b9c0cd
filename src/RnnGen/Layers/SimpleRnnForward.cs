using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Layers;

/// <summary>
/// Elman RNN kernels for one direction of one layer (forward here, backward in <c>SimpleRnnBackward.cs</c>):
/// <c>h' = act(x · W_ihᵀ + h · W_hhᵀ + b)</c> with act = tanh, relu or sigmoid. The cell's math is
/// <see cref="SimpleRnnCell"/>, the cache layout <see cref="SimpleRnnCache"/>.
/// </summary>
public static unsafe partial class SimpleRnnKernel
{
    /// <summary>Floats of <see cref="RecurrentSequence.Cache"/> needed for <paramref name="batch"/> sequences of <paramref name="time"/> steps (forward cache plus backward scratch).</summary>
    public static int CacheSize<TShape>(int batch, int time) where TShape : IRecurrentShape
        => new SimpleRnnCache(batch, time, TShape.Units).Size;

    /// <summary>
    /// Runs the layer direction over the batch; fills Hidden, FinalHidden and the cache. With
    /// <see cref="Parallelism.Threads"/> &gt; 1 the sequences are shared out among the threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TShape>(Activation activation, in RecurrentWeights weights, in RecurrentSequence sequence) where TShape : IRecurrentShape
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        CheckActivation(activation);
        int H = TShape.Units;
        int parts = RecurrentParallel.Parts(sequence, (long)H * (TShape.InputSize + H));
        if (parts > 1)
        {
            // W_hhᵀ packed once for every share (each share passes pack: false; a single share packs for itself)
            RecurrentStepProduct.Forward(sequence, weights.Recurrent, H, H, PackedRecurrent<TShape>(sequence));
        }

        switch (activation)
        {
            case Activation.Tanh when parts == 1: ForwardShare<TShape, TanhActivation>(weights, default, sequence, default, 0, 1); break;
            case Activation.Relu when parts == 1: ForwardShare<TShape, ReluActivation>(weights, default, sequence, default, 0, 1); break;
            case Activation.Sigmoid when parts == 1: ForwardShare<TShape, SigmoidActivation>(weights, default, sequence, default, 0, 1); break;
            case Activation.Tanh: RecurrentParallel.Run(parts, weights, default, sequence, default, &ForwardShare<TShape, TanhActivation>); break;
            case Activation.Relu: RecurrentParallel.Run(parts, weights, default, sequence, default, &ForwardShare<TShape, ReluActivation>); break;
            default: RecurrentParallel.Run(parts, weights, default, sequence, default, &ForwardShare<TShape, SigmoidActivation>); break;
        }
    }

    /// <summary>Where in the cache the packed copy of W_hh(ᵀ) lives.</summary>
    private static Span<float> PackedRecurrent<TShape>(in RecurrentSequence s) where TShape : IRecurrentShape
    {
        int H = TShape.Units;
        return s.Cache.Slice(new SimpleRnnCache(s.Batch, s.Time, H).Packed, RecurrentCommon.PackedRecurrentSize(H, H));
    }

    /// <summary>The forward pass of share <paramref name="part"/> of the sequences (all of them when <paramref name="parts"/> = 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardShare<TShape, TActivation>(in RecurrentWeights weights, in RecurrentGradients _, in RecurrentSequence whole,
        in RecurrentSequenceGradients __, int part, int parts) where TShape : IRecurrentShape where TActivation : IActivationKind
    {
        Activation activation = TActivation.Kind;
        int H = TShape.Units, I = TShape.InputSize;
        int T = whole.Time;
        (int first, int B) = RecurrentParallel.Share(whole.Batch, part, parts);
        RecurrentSequence share = parts == 1 ? default : whole.Rows(first, B, H);
        ref readonly RecurrentSequence sequence = ref (parts == 1 ? ref whole : ref share); // no copy for a single share
        Span<float> pre = whole.Cache.Slice(new SimpleRnnCache(whole.Batch, T, H).Activations + first * T * H, B * T * H);
        Span<float> h = sequence.FinalHidden.Slice(0, B * H);
        var recurrent = RecurrentStepProduct.Forward(whole, weights.Recurrent, H, H, PackedRecurrent<TShape>(whole), pack: parts == 1);

        // pre[B·T, H] = x · W_ihᵀ + b for all steps at once
        RecurrentCommon.ProjectInputs(sequence, weights.Input, weights.Bias, I, H, pre);
        RecurrentCommon.StartState(sequence.InitialHidden, h);

        for (int step = 0; step < T; step++)
        {
            int t = RecurrentCommon.TimeAt(sequence, step);

            // pre_t[B, H] += h_{t−1} · W_hhᵀ
            recurrent.AddForward(B, h, pre.Slice(t * H), T * H);
            for (int b = 0; b < B; b++)
            {
                int row = b * T + t;
                Span<float> hOut = sequence.Hidden.Slice(row * H, H);
                if (t >= RecurrentCommon.Length(sequence, b))
                {
                    hOut.Clear(); // padding: the state is frozen, the output is zero
                    continue;
                }

                // h_t = act(pre_t)
                Span<float> a = pre.Slice(row * H, H);
                SimpleRnnCell.Forward(activation, a);
                a.CopyTo(h.Slice(b * H, H));
                a.CopyTo(hOut);
            }
        }
    }

    /// <summary>The activation as a type, so that a share (a function pointer, with no room for an argument) knows it.</summary>
    private interface IActivationKind
    {
        static abstract Activation Kind { get; }
    }

    private struct TanhActivation : IActivationKind { public static Activation Kind => Activation.Tanh; }
    private struct ReluActivation : IActivationKind { public static Activation Kind => Activation.Relu; }
    private struct SigmoidActivation : IActivationKind { public static Activation Kind => Activation.Sigmoid; }

    private static void CheckActivation(Activation activation)
    {
        if (activation is not (Activation.Tanh or Activation.Relu or Activation.Sigmoid))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, $"activation: a SimpleRnn uses Tanh, Relu or Sigmoid, not {activation}.");
        }
    }
}
