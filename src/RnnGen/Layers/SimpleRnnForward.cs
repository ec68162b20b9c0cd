using RnnGen.Kernels;

namespace RnnGen.Layers;

/// <summary>
/// Elman RNN kernels for one direction of one layer (forward here, backward in <c>SimpleRnnBackward.cs</c>):
/// <c>h' = act(x · W_ihᵀ + h · W_hhᵀ + b)</c> with act = tanh, relu or sigmoid. Cache layout, R = B·T rows:
/// activations [R, H]; then backward scratch: ∂pre [R, H], h_prev [R, H], ∂h, ∂h_new [B, H].
/// </summary>
public static partial class SimpleRnnKernel
{
    /// <summary>Floats of <see cref="RecurrentSequence.Cache"/> needed for <paramref name="batch"/> sequences of <paramref name="time"/> steps (forward cache plus backward scratch).</summary>
    public static int CacheSize<TShape>(int batch, int time) where TShape : IRecurrentShape
        => 3 * batch * time * TShape.Units + 2 * batch * TShape.Units + RecurrentCommon.PackedRecurrentSize(TShape.Units, TShape.Units);

    /// <summary>Runs the layer direction over the batch; fills Hidden, FinalHidden and the cache.</summary>
    public static void Forward<TShape>(Activation activation, in RecurrentWeights weights, in RecurrentSequence sequence) where TShape : IRecurrentShape
    {
        CheckActivation(activation);
        int H = TShape.Units, I = TShape.InputSize;
        int B = sequence.Batch, T = sequence.Time, R = B * T;
        Span<float> pre = sequence.Cache.Slice(0, R * H);
        Span<float> h = sequence.FinalHidden.Slice(0, B * H);

        // h · W_hhᵀ per step, over W_hhᵀ packed once per call into the cache when that pays
        var recurrent = RecurrentStepProduct.Forward(sequence, weights.Recurrent, H, H,
            sequence.Cache.Slice(3 * R * H + 2 * B * H, RecurrentCommon.PackedRecurrentSize(H, H)));

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
                Activations.Apply(activation, a, H);
                a.CopyTo(h.Slice(b * H, H));
                a.CopyTo(hOut);
            }
        }
    }

    private static void CheckActivation(Activation activation)
    {
        if (activation is not (Activation.Tanh or Activation.Relu or Activation.Sigmoid))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, $"activation: a SimpleRnn uses Tanh, Relu or Sigmoid, not {activation}.");
        }
    }
}
