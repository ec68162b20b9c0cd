using System.ComponentModel;
using System.Runtime.CompilerServices;
using RnnGen.Layers;

namespace RnnGen.Generated;

/// <summary>
/// How an encoder-decoder model's decoder layers get their states: each from the final state of the encoder layer at its
/// depth (both directions merged), and, in beam search, from the beam each hypothesis continues. Generated models call
/// them once per decoder layer.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DecoderStateOps
{
    /// <summary>
    /// <c>h₀ = merge(h_fwd, h_bwd)</c> of <paramref name="encoder"/>'s final states (or its one direction); the cell likewise
    /// when both are LSTMs, zero when only the decoder is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void StartFrom<TEncoder, TDecoder>(in DecoderStates s, in LayerBuffers encoder, in LayerBuffers decoder)
        where TEncoder : IRecurrentLayerShape where TDecoder : IRecurrentLayerShape
    {
        int B = s.Batch, H = TDecoder.Units;
        Start<TEncoder>(s.From, encoder.State, 0, s.To.Slice(B * decoder.State, B * H), B);
        if (TDecoder.Cell == CellKind.Lstm)
        {
            Span<float> cell = s.To.Slice(B * (decoder.State + H), B * H);
            if (TEncoder.Cell == CellKind.Lstm)
            {
                Start<TEncoder>(s.From, encoder.State, TEncoder.Units, cell, B);
            }
            else
            {
                cell.Clear();
            }
        }
    }

    /// <summary>Backward of <see cref="StartFrom{TEncoder, TDecoder}"/>: ∂loss/∂(decoder initial states) to the encoder's final states.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void StartFromBackward<TEncoder, TDecoder>(in DecoderStates s, in LayerBuffers encoder, in LayerBuffers decoder)
        where TEncoder : IRecurrentLayerShape where TDecoder : IRecurrentLayerShape
    {
        int B = s.Batch, H = TDecoder.Units;
        StartBackward<TEncoder>(s, encoder.State, 0, s.ToGradient.Slice(B * decoder.State, B * H));
        if (TDecoder.Cell == CellKind.Lstm && TEncoder.Cell == CellKind.Lstm)
        {
            StartBackward<TEncoder>(s, encoder.State, TEncoder.Units, s.ToGradient.Slice(B * (decoder.State + H), B * H));
        }
    }

    /// <summary>Row b of <paramref name="decoder"/>'s states (hidden, then cell) becomes row <c>parents[b]</c> of the previous states.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather<TDecoder>(in DecoderStates s, in LayerBuffers decoder, ReadOnlySpan<int> parents) where TDecoder : IRecurrentLayerShape
    {
        int B = s.Batch, H = TDecoder.Units, slots = TDecoder.Cell == CellKind.Lstm ? 2 : 1;
        for (int k = 0; k < slots; k++)
        {
            int start = B * (decoder.State + k * H);
            for (int b = 0; b < B; b++)
            {
                s.From.Slice(start + parents[b] * H, H).CopyTo(s.To.Slice(start + b * H, H));
            }
        }
    }

    /// <summary>Floats one direction of the encoder layer holds in a state: h, and c for an LSTM.</summary>
    private static int DirectionSize<TEncoder>() where TEncoder : IRecurrentLayerShape
        => (TEncoder.Cell == CellKind.Lstm ? 2 : 1) * TEncoder.Units;

    private static void Start<TEncoder>(Span<float> from, int state, int slot, Span<float> to, int B) where TEncoder : IRecurrentLayerShape
    {
        int U = TEncoder.Units;
        Span<float> forward = from.Slice(B * (state + slot), B * U);
        if (TEncoder.Bidirectional)
        {
            MergeKernel.Forward(TEncoder.Merge, B, U, forward, from.Slice(B * (state + DirectionSize<TEncoder>() + slot), B * U), to);
        }
        else
        {
            forward.CopyTo(to);
        }
    }

    private static void StartBackward<TEncoder>(in DecoderStates s, int state, int slot, Span<float> dTo) where TEncoder : IRecurrentLayerShape
    {
        int B = s.Batch, U = TEncoder.Units;
        int forward = B * (state + slot), backward = B * (state + DirectionSize<TEncoder>() + slot);
        if (TEncoder.Bidirectional)
        {
            MergeKernel.Backward(TEncoder.Merge, B, U, s.From.Slice(forward, B * U), s.From.Slice(backward, B * U), dTo,
                s.FromGradient.Slice(forward, B * U), s.FromGradient.Slice(backward, B * U));
        }
        else
        {
            dTo.CopyTo(s.FromGradient.Slice(forward, B * U));
        }
    }
}
