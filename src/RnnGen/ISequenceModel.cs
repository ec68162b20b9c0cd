namespace RnnGen;

/// <summary>The recurrent state of a generated model (its nested <c>State</c> class) seen through an interface.</summary>
public interface IRecurrentState
{
    /// <summary>Number of streams.</summary>
    int BatchSize { get; }

    /// <summary>All of the state, one buffer: per recurrent layer and direction, hidden <c>[B, H]</c> then (LSTM) cell <c>[B, H]</c>.</summary>
    Span<float> Values { get; }

    /// <summary>Sets every state to zero.</summary>
    void Reset();
}

/// <summary>
/// The training-mode surface every generated model whose inputs are floats implements, for code that is generic over
/// models (truncated BPTT loops, gradient checks). The model's own members are the same with its concrete <c>State</c> type.
/// </summary>
public interface ISequenceModel
{
    /// <summary>All parameters with PyTorch names and shapes.</summary>
    IReadOnlyList<NamedTensor> NamedParameters { get; }

    /// <summary>Gradient views, same names and shapes.</summary>
    IReadOnlyList<NamedTensor> NamedGradients { get; }

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();

    /// <summary>A zero state for <paramref name="batchSize"/> streams.</summary>
    IRecurrentState CreateRecurrentState(int batchSize);

    /// <summary>Training-mode forward pass (see the model's <c>Forward</c>).</summary>
    void Forward(ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths, IRecurrentState? state);

    /// <summary>Backpropagation through time of the last training-mode forward pass (see the model's <c>Backward</c>).</summary>
    void Backward(ReadOnlySpan<float> outputGradient, IRecurrentState? finalStateGradient, Span<float> inputGradient, IRecurrentState? initialStateGradient);
}
