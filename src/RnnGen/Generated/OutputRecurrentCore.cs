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
    private readonly WorkspacePool<Scratch> _scratch = new();
    private float[] _teacherInputs = Array.Empty<float>(); // training only

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

    /// <summary>Reads a safetensors file; NaN or infinite weights only with <see cref="IO.WeightLoadOptions.AllowNonFinite"/>.</summary>
    public void LoadWeights(string path, IO.WeightLoadOptions? options = null) => _network.LoadWeights(path, options);

    /// <summary>A zero state for <paramref name="batchSize"/> streams.</summary>
    public TState CreateState(int batchSize) => TState.Create(batchSize);

    /// <summary>The instance's concurrency contract (the wrapped network's).</summary>
    public ConcurrencyGuard Concurrency => _network.Concurrency;

    /// <summary>
    /// Training-mode forward pass with teacher forcing: step t reads [x_t; y*_(t−1)], the true previous output (one-hot of
    /// the previous class target for cross-entropy), zeros at t = 0. Returns the mean loss.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Forward(in SequenceBatch batch, Span<float> outputs)
    {
        using ConcurrencyGuard.TrainingScope use = _network.Concurrency.Train("Forward");
        CheckTargets(batch);
        Span<float> x = TeacherInputs(batch, ref _teacherInputs);
        return _network.Forward(batch with { Inputs = x }, outputs);
    }

    /// <summary>Inference-mode loss of one batch: teacher-forced as in <see cref="Forward"/>, with dropout off and nothing kept for Backward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Evaluate(in SequenceBatch batch, Span<float> outputs)
    {
        CheckTargets(batch);
        Scratch scratch = _scratch.Rent();
        try
        {
            Span<float> x = TeacherInputs(batch, ref scratch.TeacherInputs);
            return _network.Evaluate(batch with { Inputs = x }, outputs);
        }
        finally
        {
            _scratch.Return(scratch);
        }
    }

    /// <summary>Accumulates ∂loss/∂parameters of the last <see cref="Forward"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward() => _network.Backward();

    /// <summary>Advances every stream one step, reading [input; state.PreviousOutput]; writes <paramref name="output"/> and remembers it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<float> input, Span<float> output, TState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int B = state.BatchSize;
        Guard.Length(nameof(input), input.Length, B, 1, I, "[state.BatchSize, InputSize]");
        Guard.Length(nameof(output), output.Length, B, 1, O, "[state.BatchSize, OutputSize]");
        Scratch scratch = _scratch.Rent();
        try
        {
            StepCore(scratch, input, output, state);
        }
        finally
        {
            _scratch.Return(scratch);
        }
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
        Scratch scratch = _scratch.Rent();
        try
        {
            if (scratch.State is null || scratch.State.BatchSize != batchSize)
            {
                scratch.State = CreateState(batchSize);
            }

            TState state = scratch.State;
            state.Reset();
            Buffers.Ensure(ref scratch.Row, batchSize * I);
            Buffers.Ensure(ref scratch.RowOutput, batchSize * O);
            Span<float> row = scratch.Row.AsSpan(0, batchSize * I), rowOutput = scratch.RowOutput.AsSpan(0, batchSize * O);
            for (int t = 0; t < timeSteps; t++)
            {
                for (int b = 0; b < batchSize; b++)
                {
                    inputs.Slice((b * timeSteps + t) * I, I).CopyTo(row.Slice(b * I, I));
                }

                StepCore(scratch, row, rowOutput, state);
                for (int b = 0; b < batchSize; b++)
                {
                    Span<float> target = outputs.Slice((b * timeSteps + t) * O, O);
                    if (!lengths.IsEmpty && t >= lengths[b])
                    {
                        target.Clear();
                    }
                    else
                    {
                        rowOutput.Slice(b * O, O).CopyTo(target);
                    }
                }
            }
        }
        finally
        {
            _scratch.Return(scratch);
        }
    }

    /// <summary>One step of every stream with [input; state.PreviousOutput] built in <paramref name="scratch"/>; the sizes are checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepCore(Scratch scratch, ReadOnlySpan<float> input, Span<float> output, TState state)
    {
        int B = state.BatchSize, width = I + O;
        Buffers.Ensure(ref scratch.StepInput, checked(B * width));
        Span<float> stepInput = scratch.StepInput.AsSpan(0, B * width);
        for (int b = 0; b < B; b++)
        {
            input.Slice(b * I, I).CopyTo(stepInput.Slice(b * width, I));
            state.PreviousOutput.AsSpan(b * O, O).CopyTo(stepInput.Slice(b * width + I, O));
        }

        _network.Step(stepInput, output, state);
        output.Slice(0, B * O).CopyTo(state.PreviousOutput);
    }

    /// <summary>The checks of a teacher-forced batch that the wrapped network cannot make on the inputs it is given.</summary>
    private static void CheckTargets(in SequenceBatch batch)
    {
        int B = batch.BatchSize, T = batch.TimeSteps;
        Guard.Positive("batch.BatchSize", B);
        Guard.Positive("batch.TimeSteps", T);
        Guard.Length("batch.Inputs", batch.Inputs.Length, B, T, I, "[batchSize, timeSteps, InputSize]");
        Guard.Lengths("batch.Lengths", batch.Lengths, B, T);
        if (TNetwork.Info.Loss == Loss.CrossEntropy)
        {
            Guard.Length("batch.ClassTargets", batch.ClassTargets.Length, B, T, 1, "[batchSize, timeSteps]");
            Guard.ClassIds("batch.ClassTargets", batch.ClassTargets, O, batch.Lengths, T);
        }
        else
        {
            Guard.Length("batch.Targets", batch.Targets.Length, B, T, O, "[batchSize, timeSteps, OutputSize]");
        }
    }

    /// <summary>[x_t; y*_(t−1)] for every step of the (checked) batch, in <paramref name="buffer"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Span<float> TeacherInputs(in SequenceBatch batch, ref float[] buffer)
    {
        int B = batch.BatchSize, T = batch.TimeSteps, width = I + O;
        bool classes = TNetwork.Info.Loss == Loss.CrossEntropy;
        Buffers.Ensure(ref buffer, checked(B * T * width));
        Span<float> x = buffer.AsSpan(0, B * T * width);
        for (int b = 0; b < B; b++)
        {
            for (int t = 0; t < T; t++)
            {
                Span<float> row = x.Slice((b * T + t) * width, width);
                batch.Inputs.Slice((b * T + t) * I, I).CopyTo(row);
                Span<float> fed = row.Slice(I, O);
                fed.Clear();
                if (t == 0 || (!batch.Lengths.IsEmpty && t >= batch.Lengths[b]))
                {
                    continue; // nothing before the first step; a padded step is zeroed by the network
                }

                if (classes)
                {
                    fed[batch.ClassTargets[b * T + t - 1]] = 1f;
                }
                else
                {
                    batch.Targets.Slice((b * T + t - 1) * O, O).CopyTo(fed);
                }
            }
        }

        return x;
    }

    /// <summary>The buffers of one inference call (several threads each rent their own).</summary>
    private sealed class Scratch
    {
        public float[] TeacherInputs = Array.Empty<float>();
        public float[] StepInput = Array.Empty<float>();
        public float[] Row = Array.Empty<float>();
        public float[] RowOutput = Array.Empty<float>();
        public TState? State;
    }
}
