using System.Runtime.CompilerServices;
using System.ComponentModel;
using RnnGen.Layers;

namespace RnnGen.Generated;

/// <summary>Where one direction of a recurrent layer keeps its states, outputs, cache and gradients in the workspace.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct DirectionBuffers
{
    /// <summary>Initial hidden state <c>[B, H]</c> (read when a state is given).</summary>
    public int Init;

    /// <summary>Initial cell state <c>[B, H]</c> (LSTM).</summary>
    public int InitCell;

    /// <summary><c>h_t</c> for every step <c>[B, T, H]</c>.</summary>
    public int Hidden;

    /// <summary>Final hidden state <c>[B, H]</c>.</summary>
    public int Final;

    /// <summary>Final cell state <c>[B, H]</c> (LSTM).</summary>
    public int FinalCell;

    /// <summary>What backward needs, and its scratch (the kernel's own layout).</summary>
    public int Cache;

    /// <summary>∂loss/∂h_t <c>[B, T, H]</c> (bidirectional layers that return sequences).</summary>
    public int DHidden;

    /// <summary>∂loss/∂(final hidden state) <c>[B, H]</c>.</summary>
    public int DFinal;
}

/// <summary>
/// The workspace buffers of one layer of a generated model, laid out by <see cref="WorkspaceBuilder"/>: offsets into the
/// workspace, valid for the batch and step count they were laid out for.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct LayerBuffers
{
    /// <summary>Rows of the output: B·T when the layer outputs every step, B otherwise.</summary>
    public int Rows;

    /// <summary>Floats per output row.</summary>
    public int Width;

    /// <summary>The layer's own output <c>[Rows, Width]</c> (for a recurrent layer without merge or residual, its hidden or final states).</summary>
    public int Out;

    /// <summary>Dropout mask of the output (0 or 1 / (1 − rate)).</summary>
    public int Mask;

    /// <summary>What the next layer reads: <see cref="Out"/>, or the output after dropout.</summary>
    public int Output;

    /// <summary>∂loss/∂<see cref="Output"/> <c>[Rows, Width]</c>.</summary>
    public int DOut;

    /// <summary>Recurrent layers: where the layer's states start in a model <c>State</c>, in floats per stream.</summary>
    public int State;

    /// <summary>Recurrent layers: the forward direction.</summary>
    public DirectionBuffers Forward;

    /// <summary>Bidirectional layers: the backward direction.</summary>
    public DirectionBuffers Reverse;

    /// <summary>Conditioned layers (<see cref="ConditionMode.EveryStep"/>): <c>W_f v</c> <c>[B, G·H]</c>, the per-sequence pre-activation.</summary>
    public int Condition;

    /// <summary>Conditioned layers (<see cref="ConditionMode.EveryStep"/>): where <c>W_f v</c> sits in a model <c>State</c>, in floats per stream.</summary>
    public int ConditionState;

    /// <summary>Conditioned layers: ∂loss/∂h_0 <c>[B, H]</c> (<see cref="ConditionMode.InitialState"/>).</summary>
    public int DInitial;

    /// <summary>Conditioned layers: ∂loss/∂(W_f v) <c>[B, G·H]</c> (<see cref="ConditionMode.EveryStep"/>).</summary>
    public int DCondition;

    /// <summary>Floats of the output.</summary>
    public readonly int Length => Rows * Width;
}

/// <summary>
/// Lays a model's workspace out for a batch of <see cref="Batch"/> sequences of <see cref="Time"/> steps: each buffer
/// starts on a cache line; the sizes are checked, so a batch too large for one array fails here with an
/// <see cref="OverflowException"/>, not as a negative offset later. A model lays its layers out twice: first their
/// activations and caches, then (after <see cref="StartGradients"/>) their gradients, which Backward clears.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct WorkspaceBuilder
{
    private int _next;
    private int _state;

    /// <summary>Starts at <paramref name="start"/> (the workspace's first 64-byte boundary).</summary>
    public WorkspaceBuilder(int batch, int time, int start)
    {
        Batch = batch;
        Time = time;
        _next = start;
    }

    /// <summary>B.</summary>
    public int Batch { get; }

    /// <summary>T.</summary>
    public int Time { get; }

    /// <summary>Whether the gradients are being laid out.</summary>
    public bool Gradients { get; private set; }

    /// <summary>Where the next buffer starts; after the gradients, the workspace length needed.</summary>
    public readonly int Next => _next;

    /// <summary>The last layer's output (what Predict returns).</summary>
    public int Output { get; private set; }

    /// <summary>The last layer's output gradient (where Backward puts ∂loss/∂outputs).</summary>
    public int OutputGradient { get; private set; }

    /// <summary>Floats of recurrent state per stream, counted while laying the activations out.</summary>
    public readonly int StateSize => _state;

    /// <summary>A buffer of <paramref name="length"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Take(int length)
    {
        int offset = _next;
        _next = checked(_next + Buffers.Align(length));
        return offset;
    }

    /// <summary>From here on the layers lay out their gradients.</summary>
    public void StartGradients()
    {
        Gradients = true;
        _state = 0;
    }

    /// <summary>An embedding layer: <c>[B, T, Dimension]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Embedding<TShape>(ref LayerBuffers layer) where TShape : IEmbeddingShape
        => Rows(ref layer, checked(Batch * Time), TShape.Dimension, TShape.DropoutAfter);

    /// <summary>A dense layer: <c>[B, T, Units]</c> or <c>[B, Units]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Dense<TShape>(ref LayerBuffers layer) where TShape : IDenseShape
        => Rows(ref layer, TShape.Sequence ? checked(Batch * Time) : Batch, TShape.Units, TShape.DropoutAfter);

    /// <summary>A recurrent layer: per direction its states, outputs and cache, then its merged (or residual) output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Recurrent<TShape>(ref LayerBuffers layer) where TShape : IRecurrentLayerShape
    {
        int B = Batch, T = Time, H = TShape.Units;
        int rows = TShape.ReturnSequences ? checked(B * T) : B;
        if (Gradients)
        {
            layer.DOut = Take(checked(rows * layer.Width));
            OutputGradient = layer.DOut;
            Gradient<TShape>(ref layer.Forward);
            if (TShape.Bidirectional)
            {
                Gradient<TShape>(ref layer.Reverse);
            }

            if (TShape.ConditionSize > 0)
            {
                layer.DInitial = Take(checked(B * H));
                layer.DCondition = Take(checked(B * LayerOps.GateWidth<TShape>()));
            }

            return;
        }

        layer.State = _state;
        layer.Forward = Direction<TShape>();
        if (TShape.Bidirectional)
        {
            layer.Reverse = Direction<TShape>();
        }

        if (TShape.ConditionSize > 0 && (TShape.ConditionMode & ConditionMode.EveryStep) != 0)
        {
            // W_f v: in the workspace for a whole-sequence pass, in the State for a stream that steps on
            layer.Condition = Take(checked(B * LayerOps.GateWidth<TShape>()));
            layer.ConditionState = _state;
            _state += LayerOps.GateWidth<TShape>();
        }

        layer.Rows = rows;
        layer.Width = LayerOps.RecurrentWidth<TShape>();
        layer.Out = TShape.Bidirectional || TShape.Residual ? Take(checked(rows * layer.Width))
            : TShape.ReturnSequences ? layer.Forward.Hidden : layer.Forward.Final;
        Dropout(ref layer, TShape.DropoutAfter);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private DirectionBuffers Direction<TShape>() where TShape : IRecurrentLayerShape
    {
        int B = Batch, T = Time, H = TShape.Units, Hh = LayerOps.HiddenSize<TShape>();
        bool lstm = TShape.Cell == CellKind.Lstm;
        DirectionBuffers d = default;
        d.Init = Take(checked(B * Hh));
        d.InitCell = lstm ? Take(checked(B * H)) : 0;
        d.Hidden = Take(checked(B * T * Hh));
        d.Final = Take(B * Hh);
        d.FinalCell = lstm ? Take(B * H) : 0;
        d.Cache = Take(LayerOps.CacheSize<TShape>(B, T));
        _state += lstm ? Hh + H : H;
        return d;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Gradient<TShape>(ref DirectionBuffers d) where TShape : IRecurrentLayerShape
    {
        if (TShape.Bidirectional && TShape.ReturnSequences)
        {
            d.DHidden = Take(checked(Batch * Time * LayerOps.HiddenSize<TShape>()));
        }

        d.DFinal = Take(Batch * LayerOps.HiddenSize<TShape>());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Rows(ref LayerBuffers layer, int rows, int width, float dropout)
    {
        if (Gradients)
        {
            layer.DOut = Take(checked(rows * width));
            OutputGradient = layer.DOut;
            return;
        }

        layer.Rows = rows;
        layer.Width = width;
        layer.Out = Take(checked(rows * width));
        Dropout(ref layer, dropout);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Dropout(ref LayerBuffers layer, float rate)
    {
        layer.Output = layer.Out;
        if (rate > 0f)
        {
            layer.Mask = Take(checked(layer.Rows * layer.Width));
            layer.Output = Take(layer.Rows * layer.Width);
        }

        Output = layer.Output;
    }
}
