using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;
using RnnGen.Layers;

namespace RnnGen.Generated;

/// <summary>
/// Each layer kind's forward and backward pass inside a generated model: the kernel calls with the layer's views of the
/// parameter buffer and the workspace, plus what a modifier adds (bidirectional merge, residual connection, dropout,
/// a state carried in and out). Written once here; generated models call them in order.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LayerOps
{
    /// <summary>Embedding: <c>e[B, T, D] = weight[tokens[b, t], :]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Embedding<TShape>(in SequencePass f, in LayerBuffers layer) where TShape : IEmbeddingShape
    {
        int size = TShape.VocabularySize * TShape.Dimension;
        EmbeddingKernel.Forward(TShape.VocabularySize, TShape.Dimension, f.Tokens, f.Parameters.Slice(TShape.ParameterOffset, size), f.Workspace.Slice(layer.Out, layer.Length));
        Dropout(f, TShape.DropoutAfter, layer);
    }

    /// <summary>Backward of <see cref="Embedding{TShape}"/>: <c>∂weight[tokens[b, t], :] += ∂e[b, t, :]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EmbeddingBackward<TShape>(in SequencePass f, in LayerBuffers layer) where TShape : IEmbeddingShape
    {
        if (!TShape.Trainable)
        {
            return; // frozen: nothing below the table needs this gradient
        }

        DropoutBackward(f, TShape.DropoutAfter, layer);
        int size = TShape.VocabularySize * TShape.Dimension;
        EmbeddingKernel.Backward(TShape.VocabularySize, TShape.Dimension, f.Tokens, f.Gradient(layer), f.Gradients.Slice(TShape.ParameterOffset, size));
    }

    /// <summary>Dense: <c>y = act(x · Wᵀ + b)</c>; the <paramref name="last"/> layer outputs logits when the pass asks for them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dense<TShape>(in SequencePass f, ReadOnlySpan<float> x, in LayerBuffers layer, bool last) where TShape : IDenseShape
    {
        int I = TShape.InputSize, U = TShape.Units, w = TShape.ParameterOffset;
        Activation activation = last && f.Logits ? Activation.Linear : TShape.Activation;
        DenseKernel.Forward(layer.Rows, I, U, activation, x, I, f.Parameters.Slice(w, U * I), f.Parameters.Slice(w + U * I, U), f.Workspace.Slice(layer.Out, layer.Length));
        Dropout(f, TShape.DropoutAfter, layer);
    }

    /// <summary>Backward of <see cref="Dense{TShape}"/>: <c>∂z = ∂y ⊙ act'(z), ∂W += ∂zᵀ · x, ∂b += Σ ∂z, ∂x += ∂z · W</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DenseBackward<TShape>(in SequencePass f, ReadOnlySpan<float> x, Span<float> dx, in LayerBuffers layer, bool last) where TShape : IDenseShape
    {
        DropoutBackward(f, TShape.DropoutAfter, layer);
        int I = TShape.InputSize, U = TShape.Units, w = TShape.ParameterOffset;
        DenseKernel.Backward(layer.Rows, I, U, TShape.Activation, x, I, f.Parameters.Slice(w, U * I), f.Workspace.Slice(layer.Out, layer.Length),
            f.Gradient(layer), last && f.Logits, f.Gradients.Slice(w, U * I), f.Gradients.Slice(w + U * I, U), dx);
    }

    /// <summary>
    /// A recurrent layer over the batch: each direction's cell over its steps, the directions merged, the input added
    /// (residual), dropout; with a state in the pass, the initial states are read from it and the final states written back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Recurrent<TShape>(in SequencePass f, ReadOnlySpan<float> x, in LayerBuffers layer) where TShape : IRecurrentLayerShape
    {
        Span<float> ws = f.Workspace;
        if (TShape.ConditionSize > 0)
        {
            Condition<TShape>(f, layer);
        }

        Direction<TShape>(f, x, layer, layer.Forward, 0);
        if (TShape.Bidirectional)
        {
            Direction<TShape>(f, x, layer, layer.Reverse, 1);
            int Hh = RecurrentShape.HiddenSize<TShape>(), length = layer.Rows * Hh;
            int forward = TShape.ReturnSequences ? layer.Forward.Hidden : layer.Forward.Final;
            int backward = TShape.ReturnSequences ? layer.Reverse.Hidden : layer.Reverse.Final;
            MergeKernel.Forward(TShape.Merge, layer.Rows, Hh, ws.Slice(forward, length), ws.Slice(backward, length), ws.Slice(layer.Out, layer.Length));
        }

        if (TShape.Residual)
        {
            // y_t = h_t + x_t; padded steps stay zero
            Span<float> h = TShape.Bidirectional ? ws.Slice(layer.Out, layer.Length) : ws.Slice(layer.Forward.Hidden, layer.Length);
            TensorPrimitives.Add(h, x.Slice(0, layer.Length), ws.Slice(layer.Out, layer.Length));
            if (!f.Lengths.IsEmpty)
            {
                Guard.ZeroPaddedRows(ws.Slice(layer.Out, layer.Length), f.Lengths, f.Time, layer.Width);
            }
        }

        Dropout(f, TShape.DropoutAfter, layer);
    }

    /// <summary>Backward of <see cref="Recurrent{TShape}"/>: backpropagation through time of each direction, from the last step to the first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RecurrentBackward<TShape>(in SequencePass f, ReadOnlySpan<float> x, Span<float> dx, in LayerBuffers layer) where TShape : IRecurrentLayerShape
    {
        DropoutBackward(f, TShape.DropoutAfter, layer);
        Span<float> ws = f.Workspace;
        Span<float> dOut = f.Gradient(layer);
        int B = f.Batch, H = RecurrentShape.HiddenSize<TShape>();
        if (TShape.Residual && !dx.IsEmpty)
        {
            // y = h + x, so ∂x += ∂y (and ∂h = ∂y)
            TensorPrimitives.Add(dx, dOut, dx);
        }

        if (TShape.Bidirectional)
        {
            // split the merged gradient between the two directions
            int length = layer.Rows * H;
            bool sequences = TShape.ReturnSequences;
            MergeKernel.Backward(TShape.Merge, layer.Rows, H,
                ws.Slice(sequences ? layer.Forward.Hidden : layer.Forward.Final, length), ws.Slice(sequences ? layer.Reverse.Hidden : layer.Reverse.Final, length), dOut,
                ws.Slice(sequences ? layer.Forward.DHidden : layer.Forward.DFinal, length), ws.Slice(sequences ? layer.Reverse.DHidden : layer.Reverse.DFinal, length));
        }
        else if (!TShape.ReturnSequences)
        {
            // the layer outputs its final state: the output gradient enters there
            dOut.CopyTo(ws.Slice(layer.Forward.DFinal, B * H));
        }

        DirectionBackward<TShape>(f, x, dx, layer, layer.Forward, 0);
        if (TShape.Bidirectional)
        {
            DirectionBackward<TShape>(f, x, dx, layer, layer.Reverse, 1);
        }

        if (TShape.ConditionSize > 0)
        {
            ConditionBackward<TShape>(f, layer);
        }
    }

    /// <summary>G·H: the width of a recurrent layer's pre-activations (all gates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GateWidth<TShape>() where TShape : IRecurrentLayerShape
        => (TShape.Cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 }) * TShape.Units;

    /// <summary>Whether a conditioned layer starts from <c>h_0 = tanh(W_c v + b_c)</c> held in the workspace (a pass without a state).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ConditionedStart<TShape>(in SequencePass f) where TShape : IRecurrentLayerShape
        => TShape.ConditionSize > 0 && (TShape.ConditionMode & ConditionMode.InitialState) != 0 && f.State.IsEmpty;

    /// <summary>W_f v of a conditioned layer: in the state when the pass carries one, else in the workspace; empty when the layer has none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<float> ConditionProjection<TShape>(in SequencePass f, in LayerBuffers layer) where TShape : IRecurrentLayerShape
    {
        if (TShape.ConditionSize == 0 || (TShape.ConditionMode & ConditionMode.EveryStep) == 0)
        {
            return default;
        }

        int width = GateWidth<TShape>();
        return f.State.IsEmpty ? f.Workspace.Slice(layer.Condition, f.Batch * width) : f.Slot(f.State, layer.ConditionState, width);
    }

    /// <summary>
    /// What a conditioned layer computes from the condition vectors before its steps: <c>h_0 = tanh(v · W_cᵀ + b_c)</c>
    /// (LSTM: <c>c_0 = 0</c>) and <c>W_f v</c>, into the pass's state when it has one (a stream starting), else into the
    /// workspace. Without conditions (a stream stepping on) the state already holds both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Condition<TShape>(in SequencePass f, in LayerBuffers layer) where TShape : IRecurrentLayerShape
    {
        if (f.Conditions.IsEmpty)
        {
            return;
        }

        Span<float> ws = f.Workspace;
        ConditionTensors t = ConditionTensors.Of<TShape>();
        int B = f.Batch, H = TShape.Units, C = TShape.ConditionSize;
        bool useState = !f.State.IsEmpty, lstm = TShape.Cell == CellKind.Lstm;
        ReadOnlySpan<float> v = f.Conditions.Slice(0, B * C);
        if (t.InitialWeight >= 0)
        {
            // h_0[B, H] = tanh(v · W_cᵀ + b_c)
            Span<float> h0 = useState ? f.Slot(f.State, layer.State, H) : ws.Slice(layer.Forward.Init, B * H);
            DenseKernel.Forward(B, C, H, Activation.Tanh, v, C, f.Parameters.Slice(t.InitialWeight, t.InitialWeightLength), f.Parameters.Slice(t.InitialBias, H), h0);
            if (lstm)
            {
                (useState ? f.Slot(f.State, layer.State + H, H) : ws.Slice(layer.Forward.InitCell, B * H)).Clear();
            }
        }

        if (t.StepWeight >= 0)
        {
            // W_f v [B, G·H], once per sequence
            Gemm.MultiplyNT(B, t.GateWidth, C, v, C, f.Parameters.Slice(t.StepWeight, t.StepWeightLength), C, ConditionProjection<TShape>(f, layer), t.GateWidth, accumulate: false);
        }
    }

    /// <summary>
    /// Backward of <see cref="Condition{TShape}"/>: from ∂h_0 and ∂(W_f v), which the layer's backward pass left in the
    /// workspace, the gradients of W_c, b_c, W_f and (when asked for) of the conditions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConditionBackward<TShape>(in SequencePass f, in LayerBuffers layer) where TShape : IRecurrentLayerShape
    {
        if (f.Conditions.IsEmpty)
        {
            return;
        }

        Span<float> ws = f.Workspace;
        ConditionTensors t = ConditionTensors.Of<TShape>();
        int B = f.Batch, H = TShape.Units, C = TShape.ConditionSize, GH = t.GateWidth;
        ReadOnlySpan<float> v = f.Conditions.Slice(0, B * C);
        Span<float> dv = f.ConditionGradient.IsEmpty ? default : f.ConditionGradient.Slice(0, B * C);
        if (t.InitialWeight >= 0 && !f.UsedState)
        {
            // forward: h_0 = tanh(z), so ∂z = ∂h_0 ⊙ (1 − h_0²); ∂W_c += ∂zᵀ · v, ∂b_c += Σ ∂z, ∂v += ∂z · W_c
            DenseKernel.Backward(B, C, H, Activation.Tanh, v, C, f.Parameters.Slice(t.InitialWeight, t.InitialWeightLength), ws.Slice(layer.Forward.Init, B * H),
                ws.Slice(layer.DInitial, B * H), false, f.Gradients.Slice(t.InitialWeight, t.InitialWeightLength), f.Gradients.Slice(t.InitialBias, H), dv);
        }

        if (t.StepWeight >= 0)
        {
            // forward: pre[b, t] += W_f v_b, so ∂W_f += ∂(W_f v)ᵀ · v and ∂v += ∂(W_f v) · W_f
            ReadOnlySpan<float> dProjection = ws.Slice(layer.DCondition, B * GH);
            Gemm.MultiplyTN(GH, C, B, dProjection, GH, v, C, f.Gradients.Slice(t.StepWeight, t.StepWeightLength), C, accumulate: true);
            if (!dv.IsEmpty)
            {
                Gemm.MultiplyNN(B, C, GH, dProjection, GH, f.Parameters.Slice(t.StepWeight, t.StepWeightLength), C, dv, C, accumulate: true);
            }
        }
    }

    /// <summary>Floats per output row of a recurrent layer: 2h for concatenated directions, h otherwise (h: the projection size P, or H).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RecurrentWidth<TShape>() where TShape : IRecurrentLayerShape
        => TShape.Bidirectional && TShape.Merge == MergeMode.Concat ? 2 * RecurrentShape.HiddenSize<TShape>() : RecurrentShape.HiddenSize<TShape>();

    /// <summary>Floats of h per stream of one direction: the projection size P, or H.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HiddenSize<TShape>() where TShape : IRecurrentLayerShape => RecurrentShape.HiddenSize<TShape>();

    /// <summary>The cache one direction of the layer needs for <paramref name="batch"/> sequences of <paramref name="time"/> steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CacheSize<TShape>(int batch, int time) where TShape : IRecurrentLayerShape => TShape.Cell switch
    {
        CellKind.Lstm => LstmKernel.CacheSize<TShape>(batch, time),
        CellKind.Gru => GruKernel.CacheSize<TShape>(batch, time),
        _ => SimpleRnnKernel.CacheSize<TShape>(batch, time),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Direction<TShape>(in SequencePass f, ReadOnlySpan<float> x, in LayerBuffers layer, in DirectionBuffers d, int direction)
        where TShape : IRecurrentLayerShape
    {
        Span<float> ws = f.Workspace;
        int B = f.Batch, H = TShape.Units, Hh = RecurrentShape.HiddenSize<TShape>();
        bool lstm = TShape.Cell == CellKind.Lstm, useState = !f.State.IsEmpty;
        int state = StateOffset<TShape>(layer, direction);
        if (useState)
        {
            f.Slot(f.State, state, Hh).CopyTo(ws.Slice(d.Init, B * Hh));
            if (lstm)
            {
                f.Slot(f.State, state + Hh, H).CopyTo(ws.Slice(d.InitCell, B * H));
            }
        }

        RecurrentSequence sequence = Sequence<TShape>(f, x, d, direction, useState || ConditionedStart<TShape>(f), ConditionProjection<TShape>(f, layer));
        RecurrentWeights weights = Weights<TShape>(f.Parameters, direction);
        switch (TShape.Cell)
        {
            case CellKind.Lstm:
                LstmKernel.Forward<TShape>(weights, sequence);
                break;
            case CellKind.Gru:
                GruKernel.Forward<TShape>(weights, sequence);
                break;
            default:
                SimpleRnnKernel.Forward<TShape>(TShape.Activation, weights, sequence);
                break;
        }

        if (useState)
        {
            ws.Slice(d.Final, B * Hh).CopyTo(f.Slot(f.State, state, Hh));
            if (lstm)
            {
                ws.Slice(d.FinalCell, B * H).CopyTo(f.Slot(f.State, state + Hh, H));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectionBackward<TShape>(in SequencePass f, ReadOnlySpan<float> x, Span<float> dx, in LayerBuffers layer, in DirectionBuffers d, int direction)
        where TShape : IRecurrentLayerShape
    {
        Span<float> ws = f.Workspace;
        int B = f.Batch, H = TShape.Units, Hh = RecurrentShape.HiddenSize<TShape>();
        bool lstm = TShape.Cell == CellKind.Lstm, finalGiven = !f.FinalStateGradient.IsEmpty;
        int state = StateOffset<TShape>(layer, direction);
        Span<float> dFinal = ws.Slice(d.DFinal, B * Hh);
        if (finalGiven)
        {
            TensorPrimitives.Add(dFinal, f.Slot(f.FinalStateGradient, state, Hh), dFinal);
        }

        var gradients = new RecurrentSequenceGradients
        {
            Hidden = !TShape.ReturnSequences ? default : TShape.Bidirectional ? ws.Slice(d.DHidden, B * f.Time * Hh) : f.Gradient(layer),
            FinalHidden = !TShape.ReturnSequences || finalGiven ? dFinal : default,
            FinalCell = lstm ? f.Slot(f.FinalStateGradient, state + Hh, H) : default,
            Input = dx,
            InitialHidden = ConditionedStart<TShape>(f) ? ws.Slice(layer.DInitial, B * H) : f.Slot(f.InitialStateGradient, state, Hh),
            InitialCell = lstm ? f.Slot(f.InitialStateGradient, state + Hh, H) : default,
            SequenceBias = TShape.ConditionSize > 0 && (TShape.ConditionMode & ConditionMode.EveryStep) != 0 ? ws.Slice(layer.DCondition, B * GateWidth<TShape>()) : default,
        };
        RecurrentSequence sequence = Sequence<TShape>(f, x, d, direction, f.UsedState || ConditionedStart<TShape>(f), ConditionProjection<TShape>(f, layer));
        RecurrentWeights weights = Weights<TShape>(f.Parameters, direction);
        RecurrentGradients parameterGradients = Gradients<TShape>(f.Gradients, direction);
        switch (TShape.Cell)
        {
            case CellKind.Lstm:
                LstmKernel.Backward<TShape>(weights, parameterGradients, sequence, gradients);
                break;
            case CellKind.Gru:
                GruKernel.Backward<TShape>(weights, parameterGradients, sequence, gradients);
                break;
            default:
                SimpleRnnKernel.Backward<TShape>(TShape.Activation, weights, parameterGradients, sequence, gradients);
                break;
        }
    }

    /// <summary>Where direction <paramref name="direction"/>'s hidden state (then, LSTM, its cell state) sits in a model State.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int StateOffset<TShape>(in LayerBuffers layer, int direction) where TShape : IRecurrentLayerShape
        => layer.State + direction * (TShape.Cell == CellKind.Lstm ? RecurrentShape.HiddenSize<TShape>() + TShape.Units : TShape.Units);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RecurrentSequence Sequence<TShape>(in SequencePass f, ReadOnlySpan<float> x, in DirectionBuffers d, int direction, bool useState,
        ReadOnlySpan<float> sequenceBias = default)
        where TShape : IRecurrentLayerShape
    {
        Span<float> ws = f.Workspace;
        int B = f.Batch, T = f.Time, H = TShape.Units, Hh = RecurrentShape.HiddenSize<TShape>();
        bool lstm = TShape.Cell == CellKind.Lstm;
        return new RecurrentSequence
        {
            Batch = B,
            Time = T,
            Reverse = direction == 1,
            Lengths = f.Lengths,
            Input = x.Slice(0, B * T * TShape.InputSize),
            InputStride = TShape.InputSize,
            SequenceBias = direction == 0 ? sequenceBias : default,
            InitialHidden = useState ? ws.Slice(d.Init, B * Hh) : default,
            InitialCell = useState && lstm ? ws.Slice(d.InitCell, B * H) : default,
            Hidden = ws.Slice(d.Hidden, B * T * Hh),
            FinalHidden = ws.Slice(d.Final, B * Hh),
            FinalCell = lstm ? ws.Slice(d.FinalCell, B * H) : default,
            Cache = ws.Slice(d.Cache, CacheSize<TShape>(B, T)),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RecurrentWeights Weights<TShape>(ReadOnlySpan<float> p, int direction) where TShape : IRecurrentLayerShape
    {
        RecurrentTensors t = RecurrentTensors.Of<TShape>(direction);
        return new RecurrentWeights
        {
            Input = p.Slice(t.Input, t.InputLength),
            Recurrent = p.Slice(t.Recurrent, t.RecurrentLength),
            Bias = p.Slice(t.Bias, t.BiasLength),
            RecurrentBias = t.RecurrentBias < 0 ? default : p.Slice(t.RecurrentBias, t.BiasLength),
            Peepholes = t.Peepholes < 0 ? default : p.Slice(t.Peepholes, t.PeepholeLength),
            Projection = t.Projection < 0 ? default : p.Slice(t.Projection, t.ProjectionLength),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RecurrentGradients Gradients<TShape>(Span<float> g, int direction) where TShape : IRecurrentLayerShape
    {
        RecurrentTensors t = RecurrentTensors.Of<TShape>(direction);
        return new RecurrentGradients
        {
            Input = g.Slice(t.Input, t.InputLength),
            Recurrent = g.Slice(t.Recurrent, t.RecurrentLength),
            Bias = g.Slice(t.Bias, t.BiasLength),
            RecurrentBias = t.RecurrentBias < 0 ? default : g.Slice(t.RecurrentBias, t.BiasLength),
            Peepholes = t.Peepholes < 0 ? default : g.Slice(t.Peepholes, t.PeepholeLength),
            Projection = t.Projection < 0 ? default : g.Slice(t.Projection, t.ProjectionLength),
        };
    }

    /// <summary>Dropout on a layer's output, in training only (otherwise the output is copied through).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dropout(in SequencePass f, float rate, in LayerBuffers layer)
    {
        if (rate > 0f)
        {
            Span<float> ws = f.Workspace;
            DropoutKernel.Forward(f.Training, rate, ws.Slice(layer.Out, layer.Length), ws.Slice(layer.Mask, layer.Length), ws.Slice(layer.Output, layer.Length), f.Random!);
        }
    }

    /// <summary>The output went through dropout: ∂(output) = ∂(dropped) ⊙ mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DropoutBackward(in SequencePass f, float rate, in LayerBuffers layer)
    {
        if (rate > 0f)
        {
            DropoutKernel.Backward(f.Workspace.Slice(layer.Mask, layer.Length), f.Gradient(layer));
        }
    }
}

/// <summary>Offsets and lengths of one direction's tensors of a recurrent layer in the parameter buffer (PyTorch order); −1: absent.</summary>
internal readonly record struct RecurrentTensors(int Input, int InputLength, int Recurrent, int RecurrentLength, int Bias, int BiasLength,
    int RecurrentBias, int Peepholes, int PeepholeLength, int End, int Projection = -1, int ProjectionLength = 0)
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RecurrentTensors Of<TShape>(int direction) where TShape : IRecurrentLayerShape
        => Of(TShape.Cell, TShape.InputSize, TShape.Units, TShape.ResetAfter, TShape.Peepholes, TShape.ParameterOffset, direction, TShape.ProjectionSize);

    /// <summary>
    /// Per direction: weight_ih <c>[G·H, I]</c>, weight_hh <c>[G·H, h]</c>, the bias <c>[G·H]</c>, bias_hh (reset-after GRU),
    /// the peepholes <c>[3, H]</c>, weight_hr <c>[P, H]</c> (LSTM with a <paramref name="projection"/>; h = P then, H otherwise).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RecurrentTensors Of(CellKind cell, int inputSize, int units, bool resetAfter, bool peepholes, int offset, int direction, int projection = 0)
    {
        int gh = (cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 }) * units;
        bool recurrentBias = cell == CellKind.Gru && resetAfter, peep = cell == CellKind.Lstm && peepholes;
        int p = cell == CellKind.Lstm && projection > 0 ? projection : 0, hidden = p > 0 ? p : units;
        int perDirection = gh * inputSize + gh * hidden + gh + (recurrentBias ? gh : 0) + (peep ? 3 * units : 0) + p * units;
        int o = offset + direction * perDirection;
        int input = o, recurrent = input + gh * inputSize, bias = recurrent + gh * hidden, next = bias + gh;
        int rb = recurrentBias ? next : -1;
        next += recurrentBias ? gh : 0;
        int pp = peep ? next : -1;
        next += peep ? 3 * units : 0;
        int hr = p > 0 ? next : -1;
        next += p * units;
        return new RecurrentTensors(input, gh * inputSize, recurrent, gh * hidden, bias, gh, rb, pp, 3 * units, next, hr, p * units);
    }
}
