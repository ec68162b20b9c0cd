using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnGen.Generation;
using RnnGen.Initialization;
using RnnGen.Kernels;
using RnnGen.IO;
using RnnGen.Layers;
using RnnGen.Training;

namespace RnnGen.Generated;

/// <summary>
/// Everything a generated sequential model does that is not the model itself: the parameter, gradient and workspace
/// buffers, argument checks, the Predict / Step / Forward / Backward glue, losses, weight files and generation. The
/// generated class holds one and forwards its public members to it; <typeparamref name="TNetwork"/> (generated) supplies
/// the sizes, the workspace layout and the op sequence.
/// </summary>
/// <typeparam name="TNetwork">The generated struct: sizes, layout fields and ops.</typeparam>
/// <typeparam name="TState">The generated <c>State</c> class.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SequentialCore<TNetwork, TState> : ISequentialCore, IBeamLanguageModel
    where TNetwork : struct, ISequentialNetwork<TNetwork>
    where TState : ModelState, IModelState<TState>
{
    private readonly ModelParameters _model;
    private readonly float[] _parameters;
    private readonly float[] _gradients;
    private readonly DeterministicRandom? _dropoutRandom;
    private readonly ConcurrencyGuard _guard = new();

    // Training: activations and caches for the largest batch seen so far (grown, never shrunk). Inference calls rent their
    // own buffers from the pool, so they run on several threads at once and never touch what Backward needs.
    private float[] _workspace = Array.Empty<float>();
    private readonly WorkspacePool<LaidBuffers> _inference = new();
    private int[] _tokens = Array.Empty<int>();
    private int[] _lengths = Array.Empty<int>();
    private float[] _conditions = Array.Empty<float>();

    // What Backward needs to know about the last training-mode Forward.
    private Frame _trainedFrame;
    private TNetwork _trained;
    private bool _hasTrained;
    private bool _trainedWithState;
    private bool _trainedWithLengths;
    private bool _trainedWithConditions;
    private bool _trainedFused;
    private bool _lossGradientReady;

    /// <summary>Creates the buffers and views of the model <paramref name="name"/> and initialises its parameters.</summary>
    public SequentialCore(string name, int seed, Initializer initializer, params ModelLayer[] layers)
    {
        _model = new ModelParameters(name, TNetwork.Info.ParameterCount, layers);
        _parameters = _model.Values;
        _gradients = _model.Gradients;

        var probe = new WorkspaceBuilder(1, 1, 0);
        TNetwork layout = default;
        TNetwork.Lay(ref layout, ref probe);
        if (probe.StateSize != TNetwork.Info.StateSize)
        {
            throw new InvalidOperationException($"{name}: expected State.SizePerStream = {probe.StateSize} (the recurrent layers' states) but it is {TNetwork.Info.StateSize}.");
        }

        InitializeParameters(seed, initializer);
        if (TNetwork.Info.HasDropout)
        {
            _dropoutRandom = new DeterministicRandom(seed);
        }
    }

    /// <inheritdoc/>
    public NetworkInfo Info => TNetwork.Info;

    /// <inheritdoc/>
    public ConcurrencyGuard Concurrency => _guard;

    /// <summary>A zero state for <paramref name="batchSize"/> streams.</summary>
    public TState CreateState(int batchSize) => TState.Create(batchSize);

    IRecurrentState ISequentialCore.CreateRecurrentState(int batchSize) => TState.Create(batchSize);

    float ISequentialCore.Evaluate(in SequenceBatch batch, Span<float> outputs) => Evaluate(batch, outputs);

    void ISequentialCore.Forward(ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths, IRecurrentState? state)
        => Forward(inputs, batchSize, timeSteps, outputs, lengths, AsState(state));

    void ISequentialCore.Backward(ReadOnlySpan<float> outputGradient, IRecurrentState? finalStateGradient, Span<float> inputGradient, IRecurrentState? initialStateGradient)
        => Backward(outputGradient, AsState(finalStateGradient), inputGradient, AsState(initialStateGradient));

    private static TState? AsState(IRecurrentState? state) => state is null ? null : state as TState
        ?? throw new ArgumentException($"Expected a {typeof(TState).FullName} but got a {state.GetType().FullName}.", nameof(state));

    /// <summary>A Keras-style table of the layers, their output shapes and parameter counts.</summary>
    public string Summary => _model.Summary;

    /// <summary>Every trainable parameter, one contiguous buffer.</summary>
    public Span<float> Parameters => _parameters;

    /// <summary>Gradients accumulated by Backward, same layout as <see cref="Parameters"/>.</summary>
    public Span<float> Gradients => _gradients;

    /// <summary>Named views of <see cref="Parameters"/>, PyTorch names and shapes.</summary>
    public IReadOnlyList<NamedTensor> NamedParameters => _model.Named;

    /// <summary>Named views of <see cref="Gradients"/>.</summary>
    public IReadOnlyList<NamedTensor> NamedGradients => _model.NamedGradients;

    /// <summary>The view of layer <paramref name="index"/> (declaration order).</summary>
    public T Layer<T>(int index) where T : Layer => (T)_model.Layers[index];

    /// <inheritdoc/>
    public IReadOnlyList<Layer> Layers => _model.Layers;

    /// <summary>(Re)initialises every parameter, deterministic for a given <paramref name="seed"/>.</summary>
    public void InitializeParameters(int seed, Initializer initializer)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train(nameof(InitializeParameters));
        _model.Initialize(seed, initializer);
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients()
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train(nameof(ZeroGradients));
        Array.Clear(_gradients);
    }

    /// <summary>Restarts the random numbers of dropout.</summary>
    public void ResetRandom(int seed)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train(nameof(ResetRandom));
        _dropoutRandom?.Reset(seed);
    }

    /// <summary>
    /// Writes the parameters as a safetensors file with PyTorch names and shapes, atomically: the target is never
    /// half-written; a killed process may leave a <c>.tmp</c> sibling (see <see cref="WeightFile.Save"/>).
    /// </summary>
    public void SaveWeights(string path) => _model.Save(path);

    /// <summary>
    /// Reads a safetensors file (ours or PyTorch's state_dict); a file that is invalid or does not fit throws an
    /// <see cref="InvalidDataException"/> naming the file and the tensor and leaves the model unchanged.
    /// </summary>
    public void LoadWeights(string path, WeightLoadOptions? options = null)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train(nameof(LoadWeights));
        _model.Load(path, options);
    }

    private static bool TakesTokens => TNetwork.Info.VocabularySize > 0;

    private static string InputName => TakesTokens ? "tokens" : "inputs";

    private static string OutputShape => TNetwork.Info.OutputIsSequence ? "[batchSize, timeSteps, OutputSize]" : "[batchSize, OutputSize]";

    /// <summary>Runs the model over a batch of token sequences.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(ReadOnlySpan<int> tokens, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths)
        => Predict(default, tokens, default, batchSize, timeSteps, outputs, lengths);

    /// <summary>Runs a conditioned model over a batch of token sequences, each from its condition vector (<c>[batchSize, ConditionSize]</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(ReadOnlySpan<float> conditions, ReadOnlySpan<int> tokens, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths)
        => Predict(conditions, tokens, default, batchSize, timeSteps, outputs, lengths);

    /// <summary>Runs a conditioned model over a batch of float sequences, each from its condition vector (<c>[batchSize, ConditionSize]</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(ReadOnlySpan<float> conditions, ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths)
        => Predict(conditions, default, inputs, batchSize, timeSteps, outputs, lengths);

    /// <summary>Runs the model over a batch of float sequences.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths)
        => Predict(default, default, inputs, batchSize, timeSteps, outputs, lengths);

    /// <summary>Advances one stream by one token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(int token, Span<float> output, TState state) => Step(default, MemoryMarshal.CreateReadOnlySpan(ref token, 1), default, output, state);

    /// <summary>Starts every stream of <paramref name="state"/> from its condition vector, then advances it by one token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<float> conditions, ReadOnlySpan<int> tokens, Span<float> output, TState state)
    {
        RequireConditions(nameof(conditions), conditions);
        Step(conditions, tokens, default, output, state);
    }

    /// <summary>Starts every stream of <paramref name="state"/> from its condition vector, then advances it by one step of floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<float> conditions, ReadOnlySpan<float> inputs, Span<float> output, TState state)
    {
        RequireConditions(nameof(conditions), conditions);
        Step(conditions, default, inputs, output, state);
    }

    /// <summary>Advances every stream of <paramref name="state"/> by one token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<int> tokens, Span<float> output, TState state) => Step(default, tokens, default, output, state);

    /// <summary>Advances every stream of <paramref name="state"/> by one step of floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<float> inputs, Span<float> output, TState state) => Step(default, default, inputs, output, state);

    /// <summary>Training-mode forward pass over token sequences (see the model's <c>Forward</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<int> tokens, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths, TState? state)
        => Forward(default, tokens, default, batchSize, timeSteps, outputs, lengths, state);

    /// <summary>Training-mode forward pass of a conditioned model over token sequences, each from its condition vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> conditions, ReadOnlySpan<int> tokens, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths)
        => Forward(conditions, tokens, default, batchSize, timeSteps, outputs, lengths, null);

    /// <summary>Training-mode forward pass of a conditioned model over float sequences, each from its condition vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> conditions, ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths)
        => Forward(conditions, default, inputs, batchSize, timeSteps, outputs, lengths, null);

    /// <summary>Training-mode forward pass over float sequences (see the model's <c>Forward</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths, TState? state)
        => Forward(default, default, inputs, batchSize, timeSteps, outputs, lengths, state);

    /// <summary>Training-mode forward pass with the model's loss: returns the mean loss of the batch (padded steps masked out).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Forward(in SequenceBatch batch, Span<float> outputs) => Forward(batch, outputs, null);

    float ISequentialCore.Forward(in SequenceBatch batch, Span<float> outputs, IRecurrentState? state) => Forward(batch, outputs, AsState(state));

    float ISequentialCore.Evaluate(in SequenceBatch batch, Span<float> outputs, IRecurrentState? state) => Evaluate(batch, outputs, AsState(state));

    /// <summary>
    /// The loss forward pass from <paramref name="state"/>'s states, writing the final states back into it (truncated BPTT:
    /// <see cref="Backward()"/> stops at the batch's first step); null: zero initial states.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Forward(in SequenceBatch batch, Span<float> outputs, TState? state)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Forward");
        CheckBatch(batch, outputs);
        int B = batch.BatchSize, T = batch.TimeSteps;
        CheckState(nameof(state), state, B);
        CheckTrainingState(nameof(state), state);
        ReadOnlySpan<int> tokens = TakesTokens ? batch.Tokens : default;
        Frame frame = Prepare(batch.Inputs, B, T, batch.Lengths, ref _workspace, out TNetwork layout, training: true);
        RememberBatch(tokens, batch.Lengths, batch.Conditions, frame, layout);
        Run(frame, layout, _workspace, tokens, batch.Lengths, state is null ? default : state.Values, training: true, logits: TNetwork.Info.FusedLoss, TrainedConditions);
        float loss = ComputeLoss(frame, _workspace, batch, outputs);
        _trainedWithState = state is not null;
        _trainedFused = TNetwork.Info.FusedLoss;
        _lossGradientReady = true;
        _hasTrained = true;
        return loss;
    }

    /// <summary>
    /// Inference-mode loss of one batch: the same loss as <see cref="Forward(in SequenceBatch, Span{float})"/> with dropout
    /// off and nothing kept for Backward (so it is repeatable, equals what <c>Predict</c> gives, and runs on several threads).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Evaluate(in SequenceBatch batch, Span<float> outputs) => Evaluate(batch, outputs, null);

    /// <summary>The inference-mode loss from <paramref name="state"/>'s states, final states written back (streaming scoring); null: zero states.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Evaluate(in SequenceBatch batch, Span<float> outputs, TState? state)
    {
        CheckBatch(batch, outputs);
        CheckState(nameof(state), state, batch.BatchSize);
        CheckTrainingState(nameof(state), state);
        using ConcurrencyGuard.InferenceScope use = _guard.Infer("Evaluate");
        LaidBuffers buffers = _inference.Rent();
        try
        {
            ReadOnlySpan<int> tokens = TakesTokens ? batch.Tokens : default;
            Frame frame = PrepareInference(buffers, batch.Inputs, batch.BatchSize, batch.TimeSteps, batch.Lengths, out TNetwork layout);
            Run(frame, layout, buffers.Workspace, tokens, batch.Lengths, state is null ? default : state.Values, training: false, logits: TNetwork.Info.FusedLoss, batch.Conditions);
            return ComputeLoss(frame, buffers.Workspace, batch, outputs);
        }
        finally
        {
            _inference.Return(buffers);
        }
    }

    /// <summary>Every check of a batch with targets, before anything changes: inputs, lengths, outputs and targets (class ids in range, binary cross-entropy targets in [0, 1]).</summary>
    private static void CheckBatch(in SequenceBatch batch, Span<float> outputs)
    {
        int B = batch.BatchSize, T = batch.TimeSteps;
        int rows = TNetwork.Info.OutputIsSequence ? T : 1;
        CheckInputs(batch.Tokens, batch.Inputs, B, T, batch.Lengths);
        CheckConditions("batch.Conditions", batch.Conditions, B);
        ReadOnlySpan<int> padded = TNetwork.Info.OutputIsSequence ? batch.Lengths : default; // targets of padded steps are ignored
        if (!outputs.IsEmpty)
        {
            Guard.Length(nameof(outputs), outputs.Length, B, rows, TNetwork.Info.OutputSize, OutputShape);
        }

        if (TNetwork.Info.Loss == Loss.CrossEntropy)
        {
            Guard.Length("batch.ClassTargets", batch.ClassTargets.Length, B, rows, 1, TNetwork.Info.OutputIsSequence ? "[batchSize, timeSteps]" : "[batchSize]");
            Guard.ClassIds("batch.ClassTargets", batch.ClassTargets, TNetwork.Info.OutputSize, padded, T);
        }
        else
        {
            Guard.Length("batch.Targets", batch.Targets.Length, B, rows, TNetwork.Info.OutputSize, OutputShape);
            if (TNetwork.Info.Loss == Loss.BinaryCrossEntropy)
            {
                Guard.Probabilities("batch.Targets", batch.Targets, TNetwork.Info.OutputSize, padded, T);
            }
        }
    }

    /// <summary>The loss of the pass just run in <paramref name="workspace"/>, its gradient with respect to the last layer's output, and the outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ComputeLoss(in Frame frame, float[] workspace, in SequenceBatch batch, Span<float> outputs)
    {
        int B = frame.Batch, T = frame.Time;
        Span<float> ws = workspace;
        Span<float> rowWeights = default;
        if (TNetwork.Info.OutputIsSequence && !batch.Lengths.IsEmpty)
        {
            // Padded steps weigh 0 in the loss.
            rowWeights = ws.Slice(frame.RowWeights, B * T);
            Guard.FillRowWeights(rowWeights, batch.Lengths, T);
        }

        int n = B * (TNetwork.Info.OutputIsSequence ? T : 1), size = n * TNetwork.Info.OutputSize;
        Span<float> output = ws.Slice(frame.Output, size), probabilities = ws.Slice(frame.Probabilities, size), gradient = ws.Slice(frame.LossGradient, size);
        float loss;
        if (TNetwork.Info.FusedLoss && TNetwork.Info.Loss == Loss.CrossEntropy)
        {
            // softmax + cross-entropy fused: ∂L/∂z = p − onehot(y)
            loss = Losses.SoftmaxCrossEntropy(n, TNetwork.Info.OutputSize, output, batch.ClassTargets, rowWeights, probabilities, gradient, batch.ClassWeights);
        }
        else if (TNetwork.Info.FusedLoss)
        {
            // sigmoid + binary cross-entropy fused: ∂L/∂z = σ(z) − y
            loss = Losses.SigmoidBinaryCrossEntropy(n, TNetwork.Info.OutputSize, output, batch.Targets, rowWeights, probabilities, gradient, batch.ClassWeights);
        }
        else
        {
            if (!batch.ClassWeights.IsEmpty) throw new ArgumentException($"batch.ClassWeights: expected none for Loss.{TNetwork.Info.Loss} (it has no classes) but got {batch.ClassWeights.Length}.", nameof(batch));

            // mean squared error over outputs and rows: L = Σ (ŷ − y)² / (rows · OutputSize)
            loss = Losses.MeanSquaredError(n, TNetwork.Info.OutputSize, output, batch.Targets, rowWeights, gradient);
            output.CopyTo(probabilities);
        }

        if (!outputs.IsEmpty)
        {
            probabilities.CopyTo(outputs);
        }

        return loss;
    }

    /// <summary>Accumulates ∂loss/∂parameters of the last <see cref="Forward(in SequenceBatch, Span{float})"/> into <see cref="Gradients"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward()
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Backward");
        if (!_hasTrained || !_lossGradientReady)
        {
            throw new InvalidOperationException(_hasTrained
                ? "Backward() needs a Forward(batch, outputs) with the loss first, but the last training-mode Forward computed no loss; call Backward(outputGradient, …) for it."
                : "Backward() has no valid training-mode Forward to differentiate: none has run yet, or the last one failed. Call Forward(batch, outputs) first.");
        }

        Frame frame = _trainedFrame;
        Span<float> ws = _workspace;
        ws.Slice(frame.BackwardStart, frame.Total - frame.BackwardStart).Clear();
        ws.Slice(frame.LossGradient, frame.OutputLength).CopyTo(ws.Slice(frame.OutputGradient, frame.OutputLength));
        BackwardCore(frame, null, default, null, default);
    }

    /// <summary>Backpropagation through time of the last training-mode Forward for a caller-supplied output gradient (see the model's <c>Backward</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> outputGradient, TState? finalStateGradient, Span<float> inputGradient, TState? initialStateGradient)
        => Backward(outputGradient, finalStateGradient, inputGradient, initialStateGradient, default);

    /// <summary>
    /// Backpropagation through time of the last training-mode Forward for a caller-supplied output gradient; a conditioned
    /// model also writes ∂loss/∂conditions <c>[batchSize, ConditionSize]</c> into <paramref name="conditionGradient"/> unless it is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> outputGradient, TState? finalStateGradient, Span<float> inputGradient, TState? initialStateGradient, Span<float> conditionGradient)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Backward");
        if (!_hasTrained)
        {
            throw new InvalidOperationException($"Backward has no valid training-mode Forward to differentiate: none has run yet, or the last one failed. Call Forward({InputName}, …) first.");
        }

        // After Forward(batch) the last layer holds logits for the fused loss, not the outputs this gradient refers to.
        if (TNetwork.Info.FusedLoss && _trainedFused)
        {
            throw new InvalidOperationException($"Backward(outputGradient, …) needs a Forward({InputName}, …) first; after Forward(batch, outputs) call Backward().");
        }

        Frame frame = _trainedFrame;
        int B = frame.Batch, T = frame.Time;
        Guard.Length(nameof(outputGradient), outputGradient.Length, B, TNetwork.Info.OutputIsSequence ? T : 1, TNetwork.Info.OutputSize, OutputShape);
        if (TakesTokens && !inputGradient.IsEmpty)
        {
            throw new ArgumentException("inputGradient: this model reads token ids, which have no gradient.", nameof(inputGradient));
        }

        if (!TakesTokens && !inputGradient.IsEmpty)
        {
            Guard.Length(nameof(inputGradient), inputGradient.Length, B, T, TNetwork.Info.InputSize, "[batchSize, timeSteps, InputSize]");
        }

        CheckState(nameof(finalStateGradient), finalStateGradient, B);
        CheckState(nameof(initialStateGradient), initialStateGradient, B);
        if (!conditionGradient.IsEmpty)
        {
            RequireConditions(nameof(conditionGradient), conditionGradient);
            Guard.Length(nameof(conditionGradient), conditionGradient.Length, B, 1, TNetwork.Info.ConditionSize, "[batchSize, ConditionSize]");
        }

        inputGradient.Clear();
        conditionGradient.Clear();
        Span<float> ws = _workspace;
        ws.Slice(frame.BackwardStart, frame.Total - frame.BackwardStart).Clear();
        Span<float> dOut = ws.Slice(frame.OutputGradient, frame.OutputLength);
        outputGradient.CopyTo(dOut);
        if (TNetwork.Info.OutputIsSequence && _trainedWithLengths)
        {
            // Padded steps output constant zeros: a gradient arriving there must not reach any parameter.
            Guard.ZeroPaddedRows(dOut, TrainedLengths, T, TNetwork.Info.OutputSize);
        }

        BackwardCore(frame, finalStateGradient, inputGradient, initialStateGradient, conditionGradient);
    }

    /// <summary>
    /// Generates <c>output.Length</c> tokens: steps through <paramref name="prefix"/> to prime <paramref name="state"/>, then
    /// repeatedly chooses the next token with <paramref name="sampler"/> and feeds it back. Allocates nothing.
    /// </summary>
    public void Generate(ReadOnlySpan<int> prefix, Span<int> output, TokenSampler sampler, TState state) => Generate(default, prefix, output, sampler, state);

    /// <summary>
    /// <see cref="Generate(ReadOnlySpan{int}, Span{int}, TokenSampler, TState)"/> of a conditioned model: with
    /// <paramref name="condition"/> (<c>[ConditionSize]</c>) the state restarts from it before the prefix; without, the
    /// stream steps on from <paramref name="state"/>.
    /// </summary>
    public void Generate(ReadOnlySpan<float> condition, ReadOnlySpan<int> prefix, Span<int> output, TokenSampler sampler, TState state)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        Guard.Positive("prefix.Length", prefix.Length);
        ArgumentNullException.ThrowIfNull(state);
        CheckState(nameof(state), state, 1);
        Guard.Tokens(nameof(prefix), prefix, TNetwork.Info.VocabularySize);
        CheckCondition(nameof(condition), condition);
        using ConcurrencyGuard.InferenceScope use = _guard.Infer("Generate");
        LaidBuffers buffers = _inference.Rent();
        try
        {
            Buffers.Ensure(ref buffers.Probabilities, TNetwork.Info.OutputSize);
            Span<float> probabilities = buffers.Probabilities.AsSpan(0, TNetwork.Info.OutputSize);
            for (int i = 0; i < prefix.Length; i++)
            {
                StepCore(buffers, prefix.Slice(i, 1), default, probabilities, state, i == 0 ? condition : default);
            }

            for (int i = 0; i < output.Length; i++)
            {
                int next = sampler.Next(probabilities);
                output[i] = next;
                if (i + 1 < output.Length)
                {
                    Guard.Tokens("the sampled token", MemoryMarshal.CreateReadOnlySpan(in next, 1), TNetwork.Info.VocabularySize);
                    StepCore(buffers, MemoryMarshal.CreateReadOnlySpan(in next, 1), default, probabilities, state);
                }
            }
        }
        finally
        {
            _inference.Return(buffers);
        }
    }

    /// <summary>
    /// Beam search (<see cref="LanguageModelBeam"/>): steps through <paramref name="prefix"/> to prime <paramref name="state"/>,
    /// writes the <c>output.Length</c> tokens of highest total log-probability that <paramref name="beam"/>'s width finds
    /// and returns that log-probability. Allocates nothing once <paramref name="beam"/> has served a search as long.
    /// </summary>
    public float Generate(ReadOnlySpan<int> prefix, Span<int> output, LanguageModelBeam beam, TState state) => Generate(default, prefix, output, beam, state);

    /// <summary>Beam search of a conditioned model: with <paramref name="condition"/> the state restarts from it before the prefix.</summary>
    public float Generate(ReadOnlySpan<float> condition, ReadOnlySpan<int> prefix, Span<int> output, LanguageModelBeam beam, TState state)
    {
        ArgumentNullException.ThrowIfNull(beam);
        Guard.Positive("prefix.Length", prefix.Length);
        ArgumentNullException.ThrowIfNull(state);
        CheckState(nameof(state), state, 1);
        Guard.Tokens(nameof(prefix), prefix, TNetwork.Info.VocabularySize);
        CheckCondition(nameof(condition), condition);
        using ConcurrencyGuard.InferenceScope use = _guard.Infer("Generate");
        LaidBuffers buffers = _inference.Rent();
        try
        {
            return beam.Search(this, buffers, prefix, output, state, condition);
        }
        finally
        {
            _inference.Return(buffers);
        }
    }

    /// <summary>
    /// Generates <paramref name="count"/> tokens after <paramref name="prefix"/> from <paramref name="state"/>; <paramref name="options"/>
    /// default to greedy; a <see cref="SamplingOptions.BeamWidth"/> above 0 searches a beam of that width.
    /// </summary>
    public int[] Generate(ReadOnlySpan<int> prefix, int count, SamplingOptions? options, TState state) => Generate(default, prefix, count, options, state);

    /// <summary>Generates <paramref name="count"/> tokens after <paramref name="prefix"/>, the state restarted from <paramref name="condition"/> (a conditioned model).</summary>
    public int[] Generate(ReadOnlySpan<float> condition, ReadOnlySpan<int> prefix, int count, SamplingOptions? options, TState state)
    {
        Guard.Positive(nameof(count), count);
        CheckCondition(nameof(condition), condition);
        options ??= SamplingOptions.Greedy;
        var output = new int[count];
        if (options.BeamWidth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BeamWidth, $"BeamWidth: expected 0 (sampling) or a beam width ≥ 1 but got {options.BeamWidth}.");
        }

        if (options.BeamWidth > 0)
        {
            if (options.Temperature != 0 || options.TopK != 0)
            {
                throw new ArgumentException($"options: beam search (BeamWidth = {options.BeamWidth}) takes no Temperature or TopK, but got Temperature = {options.Temperature}, TopK = {options.TopK}.", nameof(options));
            }

            Generate(condition, prefix, output, new LanguageModelBeam(options.BeamWidth), state);
            return output;
        }

        Generate(condition, prefix, output, new TokenSampler(options), state);
        return output;
    }

    int IBeamLanguageModel.OutputSize => TNetwork.Info.OutputSize;

    ModelState IBeamLanguageModel.CreateStreamState() => TState.Create(1);

    /// <summary>One stream's step with the last layer's logits, turned into log-probabilities (log-softmax, stable).</summary>
    void IBeamLanguageModel.StepLogProbabilities(InferenceBuffers buffers, int token, Span<float> logProbabilities, ModelState state, ReadOnlySpan<float> condition)
    {
        ReadOnlySpan<int> tokens = MemoryMarshal.CreateReadOnlySpan(ref token, 1);
        if (!condition.IsEmpty)
        {
            state.Values.Clear(); // a new stream: every layer restarts, the conditioned one from its condition
        }

        Frame frame = PrepareInference((LaidBuffers)buffers, default, 1, 1, default, out TNetwork layout);
        Run(frame, layout, buffers.Workspace, tokens, default, state.Values, training: false, logits: true, condition);
        Span<float> row = logProbabilities.Slice(0, TNetwork.Info.OutputSize);
        buffers.Workspace.AsSpan(frame.Output, row.Length).CopyTo(row);
        Activations.LogSoftmax(row);
    }

    /// <summary>One stream's condition: empty (step on from the state) or <c>[ConditionSize]</c> floats of a conditioned model.</summary>
    private static void CheckCondition(string name, ReadOnlySpan<float> condition)
    {
        RequireConditions(name, condition);
        if (!condition.IsEmpty)
        {
            if (condition.Length != TNetwork.Info.ConditionSize)
            {
                Guard.Length(name, condition.Length, 1, 1, TNetwork.Info.ConditionSize, $"[ConditionSize = {TNetwork.Info.ConditionSize}]");
            }
        }
    }

    /// <summary>A conditioned model needs its condition vectors, <c>[batchSize, ConditionSize]</c>; any other model takes none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckConditions(string name, ReadOnlySpan<float> conditions, int batchSize)
    {
        if (TNetwork.Info.ConditionSize == 0)
        {
            RequireConditions(name, conditions);
            return;
        }

        if (conditions.Length != (long)batchSize * TNetwork.Info.ConditionSize)
        {
            Guard.Length(name, conditions.Length, batchSize, 1, TNetwork.Info.ConditionSize, $"[batchSize, ConditionSize = {TNetwork.Info.ConditionSize}]");
        }
    }

    /// <summary>Throws when a model without a <c>[Conditioned]</c> layer is given conditions.</summary>
    private static void RequireConditions(string name, ReadOnlySpan<float> conditions)
    {
        if (TNetwork.Info.ConditionSize == 0 && !conditions.IsEmpty)
        {
            throw new ArgumentException($"{name}: expected none (no layer of this model is [Conditioned]) but got {conditions.Length} floats.", name);
        }
    }

    /// <summary>A conditioned model trains from its conditions: a training pass starts from them, never from a given state.</summary>
    private static void CheckTrainingState(string name, TState? state)
    {
        if (TNetwork.Info.ConditionSize > 0 && state is not null)
        {
            throw new ArgumentException($"{name}: expected null (a conditioned model's passes start from their conditions, not from a state) but got a state for {state.BatchSize} streams.", name);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckState(string name, TState? state, int batchSize)
    {
        if (state is not null && state.BatchSize != batchSize)
        {
            throw new ArgumentException($"{name}: expected a state for batchSize = {batchSize} streams but it holds {state.BatchSize}.", name);
        }

        if (state is not null && state.Values.Length != batchSize * TNetwork.Info.StateSize)
        {
            throw new ArgumentException($"{name}: expected a state of {TNetwork.Info.StateSize} floats per stream but it holds {state.Values.Length / batchSize}.", name);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Predict(ReadOnlySpan<float> conditions, ReadOnlySpan<int> tokens, ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths)
    {
        CheckInputs(tokens, inputs, batchSize, timeSteps, lengths);
        CheckConditions(nameof(conditions), conditions, batchSize);
        Guard.Length(nameof(outputs), outputs.Length, batchSize, TNetwork.Info.OutputIsSequence ? timeSteps : 1, TNetwork.Info.OutputSize, OutputShape);
        using ConcurrencyGuard.InferenceScope use = _guard.Infer("Predict");
        LaidBuffers buffers = _inference.Rent();
        try
        {
            Frame frame = PrepareInference(buffers, inputs, batchSize, timeSteps, lengths, out TNetwork layout);
            Run(frame, layout, buffers.Workspace, tokens, lengths, default, training: false, logits: false, conditions);
            CopyOutput(frame, buffers.Workspace, outputs, lengths);
        }
        finally
        {
            _inference.Return(buffers);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Step(ReadOnlySpan<float> conditions, ReadOnlySpan<int> tokens, ReadOnlySpan<float> inputs, Span<float> output, TState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int B = state.BatchSize;
        CheckInputs(tokens, inputs, B, 1, default);
        if (!conditions.IsEmpty)
        {
            CheckConditions(nameof(conditions), conditions, B);
        }

        Guard.Length(nameof(output), output.Length, B, 1, TNetwork.Info.OutputSize, "[state.BatchSize, OutputSize]");
        CheckState(nameof(state), state, B);
        using ConcurrencyGuard.InferenceScope use = _guard.Infer("Step");
        LaidBuffers buffers = _inference.Rent();
        try
        {
            StepCore(buffers, tokens, inputs, output, state, conditions);
        }
        finally
        {
            _inference.Return(buffers);
        }
    }

    /// <summary>One step of every stream of <paramref name="state"/> in <paramref name="buffers"/>; the arguments are checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepCore(LaidBuffers buffers, ReadOnlySpan<int> tokens, ReadOnlySpan<float> inputs, Span<float> output, TState state, ReadOnlySpan<float> conditions = default)
    {
        int B = state.BatchSize;
        if (!conditions.IsEmpty)
        {
            state.Values.Clear(); // new streams: every layer restarts, the conditioned one from its condition
        }

        Frame frame = PrepareInference(buffers, inputs, B, 1, default, out TNetwork layout);
        Run(frame, layout, buffers.Workspace, tokens, default, state.Values, training: false, logits: false, conditions);
        buffers.Workspace.AsSpan(frame.Output, B * TNetwork.Info.OutputSize).CopyTo(output);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward(ReadOnlySpan<float> conditions, ReadOnlySpan<int> tokens, ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths, TState? state)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Forward");
        CheckInputs(tokens, inputs, batchSize, timeSteps, lengths);
        CheckConditions(nameof(conditions), conditions, batchSize);
        CheckTrainingState(nameof(state), state);
        if (!outputs.IsEmpty)
        {
            Guard.Length(nameof(outputs), outputs.Length, batchSize, TNetwork.Info.OutputIsSequence ? timeSteps : 1, TNetwork.Info.OutputSize, OutputShape);
        }

        CheckState(nameof(state), state, batchSize);
        Frame frame = Prepare(inputs, batchSize, timeSteps, lengths, ref _workspace, out TNetwork layout, training: true);
        RememberBatch(tokens, lengths, conditions, frame, layout);
        Run(frame, layout, _workspace, _tokens.AsSpan(0, tokens.Length), TrainedLengths, state is null ? default : state.Values, training: true, logits: false, TrainedConditions);
        if (!outputs.IsEmpty)
        {
            CopyOutput(frame, _workspace, outputs, lengths);
        }

        _trainedWithState = state is not null;
        _trainedFused = false;
        _lossGradientReady = false; // Backward() would otherwise reuse the loss gradient of an earlier batch
        _hasTrained = true;
    }

    /// <summary>The checks of a batch's inputs (sizes, token ids in the vocabulary, lengths in 1 … T): every call makes them before it changes anything.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckInputs(ReadOnlySpan<int> tokens, ReadOnlySpan<float> inputs, int batchSize, int timeSteps, ReadOnlySpan<int> lengths)
    {
        Guard.Positive(nameof(batchSize), batchSize);
        Guard.Positive(nameof(timeSteps), timeSteps);
        if (TakesTokens)
        {
            Guard.Length(nameof(tokens), tokens.Length, batchSize, timeSteps, 1, "[batchSize, timeSteps]");
            Guard.Tokens(nameof(tokens), tokens, TNetwork.Info.VocabularySize);
        }
        else
        {
            Guard.Length(nameof(inputs), inputs.Length, batchSize, timeSteps, TNetwork.Info.InputSize, "[batchSize, timeSteps, InputSize]");
        }

        Guard.Lengths(nameof(lengths), lengths, batchSize, timeSteps);
    }

    /// <summary>
    /// Sizes <paramref name="workspace"/> for the (checked) batch and copies the inputs into it. A <paramref name="training"/>
    /// call first forgets the last training Forward, whose caches it is about to overwrite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Frame Prepare(ReadOnlySpan<float> inputs, int batchSize, int timeSteps, ReadOnlySpan<int> lengths,
        ref float[] workspace, out TNetwork layout, bool training)
    {
        Frame frame;
        try
        {
            // laid out from the workspace's 64-byte boundary; a grown (new) workspace has its own boundary
            frame = Frame.Lay(batchSize, timeSteps, Buffers.AlignedStart(workspace), out layout);
        }
        catch (OverflowException)
        {
            throw Guard.WorkspaceTooLarge(batchSize, timeSteps);
        }

        if (training)
        {
            _hasTrained = false;
        }

        if (Buffers.EnsureAligned(ref workspace, frame.Total))
        {
            frame = Frame.Lay(batchSize, timeSteps, Buffers.AlignedStart(workspace), out layout);
        }

        CopyInputs(workspace, frame, inputs, timeSteps, lengths);
        return frame;
    }

    /// <summary>
    /// <see cref="Prepare"/> for an inference call: the layout of the buffers' last call is reused when the batch and
    /// time steps are the same and the workspace has not grown, so a stream of Step calls lays nothing out again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Frame PrepareInference(LaidBuffers buffers, ReadOnlySpan<float> inputs, int batchSize, int timeSteps, ReadOnlySpan<int> lengths, out TNetwork layout)
    {
        if (ReferenceEquals(buffers.LaidFor, buffers.Workspace) && buffers.Frame.Batch == batchSize && buffers.Frame.Time == timeSteps)
        {
            layout = buffers.Layout;
            CopyInputs(buffers.Workspace, buffers.Frame, inputs, timeSteps, lengths);
            return buffers.Frame;
        }

        Frame frame = Prepare(inputs, batchSize, timeSteps, lengths, ref buffers.Workspace, out layout, training: false);
        buffers.Frame = frame;
        buffers.Layout = layout;
        buffers.LaidFor = buffers.Workspace;
        return frame;
    }

    /// <summary>A float model's inputs into the workspace, padded steps zeroed: whatever fills the padding (even NaN) must not reach a weight gradient, which sums x over every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyInputs(float[] workspace, in Frame frame, ReadOnlySpan<float> inputs, int timeSteps, ReadOnlySpan<int> lengths)
    {
        if (!TakesTokens)
        {
            Span<float> input = workspace.AsSpan(frame.Input, inputs.Length);
            inputs.CopyTo(input);
            if (!lengths.IsEmpty)
            {
                Guard.ZeroPaddedRows(input, lengths, timeSteps, TNetwork.Info.InputSize);
            }
        }
    }

    /// <summary>Inference buffers with the layout of their last call (see <see cref="PrepareInference"/>).</summary>
    private sealed class LaidBuffers : InferenceBuffers
    {
        public float[]? LaidFor;
        public Frame Frame;
        public TNetwork Layout;
    }

    /// <summary>The forward pass, layer by layer; with a <paramref name="state"/>, initial states are read from it and final states written back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(in Frame frame, in TNetwork layout, float[] workspace, ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, Span<float> state, bool training, bool logits,
        ReadOnlySpan<float> conditions)
    {
        Span<float> ws = workspace;
        bool dropout = training && TNetwork.Info.HasDropout;
        TNetwork.Forward(layout, new SequencePass
        {
            Batch = frame.Batch,
            Time = frame.Time,
            Workspace = ws,
            Parameters = _parameters,
            Tokens = tokens,
            Lengths = lengths,
            Conditions = conditions,
            Input = Input(frame, ws, forward: true, dropout),
            State = state,
            Logits = logits,
            Training = dropout,
            Random = _dropoutRandom,
        });
    }

    /// <summary>The layers' backward passes in reverse order; the last layer's output gradient is already in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardCore(in Frame frame, TState? finalStateGradient, Span<float> inputGradient, TState? initialStateGradient, Span<float> conditionGradient)
    {
        Span<float> ws = _workspace;
        int B = frame.Batch, T = frame.Time;
        TNetwork.Backward(_trained, new SequencePass
        {
            Batch = B,
            Time = T,
            Workspace = ws,
            Parameters = _parameters,
            Gradients = _gradients,
            Tokens = _tokens.AsSpan(0, TakesTokens ? B * T : 0),
            Lengths = TrainedLengths,
            Conditions = TrainedConditions,
            ConditionGradient = conditionGradient,
            Input = Input(frame, ws, forward: false, dropout: false),
            InputGradient = inputGradient,
            UsedState = _trainedWithState,
            FinalStateGradient = finalStateGradient is null ? default : finalStateGradient.Values,
            InitialStateGradient = initialStateGradient is null ? default : initialStateGradient.Values,
            Logits = _trainedFused,
        });
        if (TNetwork.Info.InputDropout > 0f && !inputGradient.IsEmpty)
        {
            // the input went through dropout: ∂x = ∂(dropped x) ⊙ mask
            DropoutKernel.Backward(ws.Slice(frame.InputMask, B * T * TNetwork.Info.InputSize), inputGradient);
        }
    }

    /// <summary>What the first layer reads of a float model: the input, after dropout when the model has input dropout (applied here going forward, drawn only when <paramref name="dropout"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Span<float> Input(in Frame frame, Span<float> ws, bool forward, bool dropout)
    {
        if (TakesTokens)
        {
            return default;
        }

        int size = frame.Batch * frame.Time * TNetwork.Info.InputSize;
        Span<float> input = ws.Slice(frame.Input, size);
        if (TNetwork.Info.InputDropout <= 0f)
        {
            return input;
        }

        Span<float> dropped = ws.Slice(frame.InputDropped, size);
        if (forward)
        {
            DropoutKernel.Forward(dropout, TNetwork.Info.InputDropout, input, ws.Slice(frame.InputMask, size), dropped, _dropoutRandom!);
        }

        return dropped;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RememberBatch(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, ReadOnlySpan<float> conditions, in Frame frame, in TNetwork layout)
    {
        Buffers.Ensure(ref _conditions, conditions.Length);
        conditions.CopyTo(_conditions);
        _trainedWithConditions = !conditions.IsEmpty;
        // Backward runs after the caller's spans are gone: keep copies of the tokens and lengths.
        Buffers.Ensure(ref _tokens, tokens.Length);
        tokens.CopyTo(_tokens);
        Buffers.Ensure(ref _lengths, lengths.Length);
        lengths.CopyTo(_lengths);
        _trainedFrame = frame;
        _trained = layout;
        _trainedWithLengths = !lengths.IsEmpty;
    }

    private ReadOnlySpan<float> TrainedConditions => _trainedWithConditions ? _conditions.AsSpan(0, _trainedFrame.Batch * TNetwork.Info.ConditionSize) : default;

    private ReadOnlySpan<int> TrainedLengths => _trainedWithLengths ? _lengths.AsSpan(0, _trainedFrame.Batch) : default;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyOutput(in Frame frame, float[] workspace, Span<float> outputs, ReadOnlySpan<int> lengths)
    {
        workspace.AsSpan(frame.Output, frame.OutputLength).CopyTo(outputs);
        if (TNetwork.Info.OutputIsSequence)
        {
            Guard.ZeroPaddedRows(outputs, lengths, frame.Time, TNetwork.Info.OutputSize);
        }
    }

    /// <summary>The runtime's own workspace buffers for one batch around the model's layers (input, loss), and where the layers' gradients start.</summary>
    private struct Frame
    {
        public int Batch, Time, Input, InputMask, InputDropped, Output, Probabilities, LossGradient, RowWeights, OutputGradient, BackwardStart, Total;

        public readonly int OutputLength => (TNetwork.Info.OutputIsSequence ? Batch * Time : Batch) * TNetwork.Info.OutputSize;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Frame Lay(int batch, int time, int start, out TNetwork layout)
        {
            var b = new WorkspaceBuilder(batch, time, start);
            Frame f = default;
            f.Batch = batch;
            f.Time = time;
            if (!TakesTokens)
            {
                int size = checked(batch * time * TNetwork.Info.InputSize);
                f.Input = b.Take(size);
                if (TNetwork.Info.InputDropout > 0f)
                {
                    f.InputMask = b.Take(size);
                    f.InputDropped = b.Take(size);
                }
            }

            layout = default;
            TNetwork.Lay(ref layout, ref b);
            f.Output = b.Output;
            if (TNetwork.Info.Loss != Loss.None)
            {
                int outputs = checked((TNetwork.Info.OutputIsSequence ? batch * time : batch) * TNetwork.Info.OutputSize);
                f.Probabilities = b.Take(outputs);
                f.LossGradient = b.Take(outputs);
                f.RowWeights = b.Take(checked(batch * time));
            }

            f.BackwardStart = b.Next;
            b.StartGradients();
            TNetwork.Lay(ref layout, ref b);
            f.OutputGradient = b.OutputGradient;
            f.Total = b.Next;
            return f;
        }
    }
}
