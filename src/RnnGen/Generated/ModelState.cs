using System.ComponentModel;

namespace RnnGen.Generated;

/// <summary>
/// The recurrent state of a generated model for a batch of streams, one buffer: per recurrent layer and direction, the
/// hidden state <c>[B, H]</c> then (LSTM) the cell state <c>[B, H]</c>. A model's nested <c>State</c> class derives from
/// it and names the parts.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ModelState : IRecurrentState
{
    private readonly float[] _values;

    /// <summary>A zero state for <paramref name="batchSize"/> streams of <paramref name="sizePerStream"/> floats each.</summary>
    protected ModelState(int batchSize, int sizePerStream)
    {
        Guard.Positive(nameof(batchSize), batchSize);
        BatchSize = batchSize;
        _values = new float[checked(batchSize * sizePerStream)];
    }

    /// <summary>Number of streams.</summary>
    public int BatchSize { get; }

    /// <summary>All of the state, one buffer.</summary>
    public Span<float> Values => _values;

    /// <summary>Sets every state to zero (a new sequence starts).</summary>
    public virtual void Reset() => Array.Clear(_values);

    /// <summary>The <c>[BatchSize, units]</c> part that starts at <paramref name="offset"/> floats per stream.</summary>
    protected Span<float> Slot(int offset, int units) => _values.AsSpan(BatchSize * offset, BatchSize * units);
}

/// <summary>
/// The state of a model with output recurrence: its recurrent layers' states (<see cref="ModelState.Values"/>) and each
/// stream's previous output, which the next step reads beside its input.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class FeedbackState : ModelState
{
    /// <summary>A zero state (and zero previous outputs) for <paramref name="batchSize"/> streams.</summary>
    protected FeedbackState(int batchSize, int sizePerStream, int outputSize) : base(batchSize, sizePerStream)
        => PreviousOutput = new float[checked(batchSize * outputSize)];

    /// <summary>[BatchSize, OutputSize] the output of each stream's last step (zeros before the first).</summary>
    public float[] PreviousOutput { get; }

    /// <summary>Zeroes the recurrent states and the previous outputs.</summary>
    public override void Reset()
    {
        base.Reset();
        Array.Clear(PreviousOutput);
    }
}
