using System.ComponentModel;
using System.Runtime.CompilerServices;
using RnnGen.Training;

namespace RnnGen.Generated;

/// <summary>
/// The runtime core of a model with output recurrence: a sequential network whose input at step t is
/// <c>[x_t; y_(t−1)]</c>. Training fills the fed-back part with the targets (teacher forcing); <c>Step</c> and
/// <c>Predict</c> with the model's own previous outputs. Everything else is the wrapped <see cref="SequentialCore{TNetwork, TState}"/>.
/// </summary>
/// <typeparam name="TNetwork">The generated network, whose input size is the features plus the outputs.</typeparam>
/// <typeparam name="TState">The generated <c>State</c> class.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class OutputRecurrentCore<TNetwork, TState>
    where TNetwork : struct, ISequentialNetwork<TNetwork>
    where TState : FeedbackState, IModelState<TState>
{
    private readonly SequentialCore<TNetwork, TState> _network;
    private float[] _teacherInputs = Array.Empty<float>();
    private float[] _stepInput = Array.Empty<float>();
    private float[] _row = Array.Empty<float>();
    private float[] _rowOutput = Array.Empty<float>();
    private TState? _predictState;

    /// <summary>Creates the network of the model <paramref name="name"/> and initialises its parameters.</summary>
    public OutputRecurrentCore(string name, int seed, Initializer initializer, params ModelLayer[] layers)
        => _network = new SequentialCore<TNetwork, TState>(name, seed, initializer, layers);

    private static int O => TNetwork.Info.OutputSize;

    /// <summary>Features per step the caller gives (the network reads these and the previous step's outputs).</summary>
    private static int I => TNetwork.Info.InputSize - TNetwork.Info.OutputSize;

    /// <summary>A Keras-style table of the layers.</summary>
    public string Summary => _network.Summary;

    /// <summary>Every trainable parameter.</summary>
    public Span<float> Parameters => _network.Parameters;

    /// <summary>Gradients, same layout as <see cref="Parameters"/>.</summary>
    public Span<float> Gradients => _network.Gradients;

    /// <summary>Named views of <see cref="Parameters"/>.</summary>
    public IReadOnlyList<NamedTensor> NamedParameters => _network.NamedParameters;

    /// <summary>Named views of <see cref="Gradients"/>.</summary>
    public IReadOnlyList<NamedTensor> NamedGradients => _network.NamedGradients;

    /// <summary>The view of layer <paramref name="index"/>.</summary>
    public T Layer<T>(int index) where T : Layer => _network.Layer<T>(index);

    /// <summary>The layer views in declaration order.</summary>
    public IReadOnlyList<Layer> Layers => _network.Layers;

    /// <summary>(Re)initialises every parameter.</summary>
    public void InitializeParameters(int seed, Initializer initializer) => _network.InitializeParameters(seed, initializer);

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => _network.ZeroGradients();

    /// <summary>Restarts the random numbers of dropout.</summary>
    public void ResetRandom(int seed) => _network.ResetRandom(seed);

    /// <summary>Writes the parameters as a safetensors file.</summary>
    public void SaveWeights(string path) => _network.SaveWeights(path);

    /// <summary>Reads a safetensors file.</summary>
    public void LoadWeights(string path) => _network.LoadWeights(path);

    /// <summary>A zero state for <paramref name="batchSize"/> streams.</summary>
    public TState CreateState(int batchSize) => TState.Create(batchSize);

    /// <summary>
    /// Training-mode forward pass with teacher forcing: step t reads [x_t; y*_(t−1)], the true previous output (one-hot of
    /// the previous class target for cross-entropy), zeros at t = 0. Returns the mean loss.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Forward(in SequenceBatch batch, Span<float> outputs)
    {
        int B = batch.BatchSize, T = batch.TimeSteps, width = I + O;
        Guard.Positive("batch.BatchSize", B);
        Guard.Positive("batch.TimeSteps", T);
        Guard.Length("batch.Inputs", batch.Inputs.Length, B, T, I, "[batchSize, timeSteps, InputSize]");
        bool classes = TNetwork.Info.Loss == Loss.CrossEntropy;
        if (classes)
        {
            Guard.Length("batch.ClassTargets", batch.ClassTargets.Length, B, T, 1, "[batchSize, timeSteps]");
            Guard.Tokens("batch.ClassTargets", batch.ClassTargets, O);
        }
        else
        {
            Guard.Length("batch.Targets", batch.Targets.Length, B, T, O, "[batchSize, timeSteps, OutputSize]");
        }

        Buffers.Ensure(ref _teacherInputs, checked(B * T * width));
        Span<float> x = _teacherInputs.AsSpan(0, B * T * width);
        for (int b = 0; b < B; b++)
        {
            for (int t = 0; t < T; t++)
            {
                Span<float> row = x.Slice((b * T + t) * width, width);
                batch.Inputs.Slice((b * T + t) * I, I).CopyTo(row);
                Span<float> fed = row.Slice(I, O);
                fed.Clear();
                if (t > 0 && classes)
                {
                    fed[batch.ClassTargets[b * T + t - 1]] = 1f;
                }
                else if (t > 0)
                {
                    batch.Targets.Slice((b * T + t - 1) * O, O).CopyTo(fed);
                }
            }
        }

        return _network.Forward(batch with { Inputs = x }, outputs);
    }

    /// <summary>Accumulates ∂loss/∂parameters of the last <see cref="Forward"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward() => _network.Backward();

    /// <summary>Advances every stream one step, reading [input; state.PreviousOutput]; writes <paramref name="output"/> and remembers it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<float> input, Span<float> output, TState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int B = state.BatchSize, width = I + O;
        Guard.Length(nameof(input), input.Length, B, 1, I, "[state.BatchSize, InputSize]");
        Guard.Length(nameof(output), output.Length, B, 1, O, "[state.BatchSize, OutputSize]");
        Buffers.Ensure(ref _stepInput, checked(B * width));
        for (int b = 0; b < B; b++)
        {
            input.Slice(b * I, I).CopyTo(_stepInput.AsSpan(b * width, I));
            state.PreviousOutput.AsSpan(b * O, O).CopyTo(_stepInput.AsSpan(b * width + I, O));
        }

        _network.Step(_stepInput.AsSpan(0, B * width), output, state);
        output.Slice(0, B * O).CopyTo(state.PreviousOutput);
    }

    /// <summary>Runs the model over a batch free-running: each step is fed the model's own previous output. Padded steps output zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths)
    {
        Guard.Positive(nameof(batchSize), batchSize);
        Guard.Positive(nameof(timeSteps), timeSteps);
        Guard.Length(nameof(inputs), inputs.Length, batchSize, timeSteps, I, "[batchSize, timeSteps, InputSize]");
        Guard.Length(nameof(outputs), outputs.Length, batchSize, timeSteps, O, "[batchSize, timeSteps, OutputSize]");
        Guard.Lengths(nameof(lengths), lengths, batchSize, timeSteps);
        if (_predictState is null || _predictState.BatchSize != batchSize)
        {
            _predictState = CreateState(batchSize);
        }

        _predictState.Reset();
        Buffers.Ensure(ref _row, batchSize * I);
        Buffers.Ensure(ref _rowOutput, batchSize * O);
        for (int t = 0; t < timeSteps; t++)
        {
            for (int b = 0; b < batchSize; b++)
            {
                inputs.Slice((b * timeSteps + t) * I, I).CopyTo(_row.AsSpan(b * I, I));
            }

            Step(_row.AsSpan(0, batchSize * I), _rowOutput.AsSpan(0, batchSize * O), _predictState);
            for (int b = 0; b < batchSize; b++)
            {
                Span<float> target = outputs.Slice((b * timeSteps + t) * O, O);
                if (!lengths.IsEmpty && t >= lengths[b])
                {
                    target.Clear();
                }
                else
                {
                    _rowOutput.AsSpan(b * O, O).CopyTo(target);
                }
            }
        }
    }
}
