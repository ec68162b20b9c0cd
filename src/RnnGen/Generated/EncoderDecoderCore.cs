using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Generation;
using RnnGen.Initialization;
using RnnGen.IO;
using RnnGen.Kernels;
using RnnGen.Layers;
using RnnGen.Seq2Seq;
using RnnGen.Training;

namespace RnnGen.Generated;

/// <summary>
/// Everything a generated encoder-decoder model does that is not the model itself: parameter, gradient and workspace
/// buffers, argument checks, the encoder pass, the decoder's steps with attention and teacher forcing, the loss, backward
/// through the steps, greedy and beam decoding, and weight files. <typeparamref name="TNetwork"/> (generated) supplies the
/// layout and the op sequences of the encoder and decoder layers; the runtime's <see cref="LayerOps"/> run them.
/// </summary>
/// <typeparam name="TNetwork">The generated struct: sizes, layout fields and ops.</typeparam>
/// <typeparam name="TAttention">The attention layer's shape, or <see cref="NoAttention"/>.</typeparam>
/// <typeparam name="TOutput">The output layer's shape: logits over the target vocabulary from <c>[s_t; c_t]</c>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EncoderDecoderCore<TNetwork, TAttention, TOutput>
    where TNetwork : struct, IEncoderDecoderNetwork<TNetwork>
    where TAttention : IAttentionShape
    where TOutput : IDenseShape
{
    private readonly ModelParameters _model;
    private readonly float[] _parameters;
    private readonly float[] _gradients;
    private readonly TNetwork _states; // the layers' state offsets, the same for every batch
    private readonly ConcurrencyGuard _guard = new();

    // Training keeps its buffers for Backward. Each decoding call rents a session of its own from the pool (so several
    // threads decode at once and never touch what Backward needs); BeginDecoding / DecodeStep without a state use _own.
    private readonly RunBuffers _train = new();
    private readonly WorkspacePool<Session> _sessions = new();
    private readonly Session _own;
    private bool _hasTrained;

    // Scheduled sampling draws from one generator, dropout from another; ResetRandom restarts both.
    private readonly DeterministicRandom _sampling = new(0);
    private readonly DeterministicRandom? _dropout;

    /// <summary>Creates the buffers and views of the model <paramref name="name"/> and initialises its parameters.</summary>
    public EncoderDecoderCore(string name, int seed, Initializer initializer, params ModelLayer[] layers)
    {
        _model = new ModelParameters(name, TNetwork.Info.ParameterCount, layers);
        _parameters = _model.Values;
        _gradients = _model.Gradients;

        var encoder = new WorkspaceBuilder(1, 1, 0);
        var decoder = new WorkspaceBuilder(1, 1, 0);
        TNetwork.LayEncoder(ref _states, ref encoder);
        TNetwork.LayDecoder(ref _states, ref decoder);
        if (encoder.StateSize != TNetwork.Info.EncoderStateSize || decoder.StateSize != TNetwork.Info.DecoderStateSize)
        {
            throw new InvalidOperationException($"{name}: expected state sizes {encoder.StateSize} (encoder) and {decoder.StateSize} (decoder) but the model declares {TNetwork.Info.EncoderStateSize} and {TNetwork.Info.DecoderStateSize}.");
        }

        _own = new Session { Core = this, Owned = true };
        InitializeParameters(seed, initializer);
        if (TNetwork.Info.HasDropout)
        {
            _dropout = new DeterministicRandom(seed);
        }
    }

    /// <summary>The instance's concurrency contract: decoding on any number of threads, training on one.</summary>
    public ConcurrencyGuard Concurrency => _guard;

    private static int V => TNetwork.Info.TargetVocabularySize;

    /// <summary>Width of the context fed to every decoder step: attention's c_t, or the encoder's final state C (ContextToEveryStep); 0: none.</summary>
    private static int C => TAttention.Exists ? TAttention.ValueSize : TNetwork.Info.ContextSize;

    /// <summary>ContextToEveryStep: every step's context is C, the top decoder layer's initial state (Cho et al. 2014).</summary>
    private static bool FixedContext => !TAttention.Exists && TNetwork.Info.ContextSize > 0;

    /// <summary>Width of the projected keys.</summary>
    private static int K => !TAttention.Exists ? 0 : TAttention.Score switch
    {
        AttentionScore.Additive => TAttention.Units,
        AttentionScore.General => TAttention.QuerySize,
        _ => 0,
    };

    /// <summary>Width of what the output layer reads: <c>[s_t; c_t]</c>.</summary>
    private static int O => TOutput.InputSize;

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

    /// <summary>Restarts the random numbers of scheduled sampling and dropout.</summary>
    public void ResetRandom(int seed)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train(nameof(ResetRandom));
        _sampling.Reset(seed);
        _dropout?.Reset(seed);
    }

    /// <summary>Writes the parameters as a safetensors file with PyTorch names and shapes (atomically).</summary>
    public void SaveWeights(string path) => _model.Save(path);

    /// <summary>
    /// Reads a safetensors file (ours or PyTorch's state_dict); a file that is invalid or does not fit (or holds NaN or
    /// infinite weights, unless <see cref="WeightLoadOptions.AllowNonFinite"/>) throws <see cref="InvalidDataException"/>
    /// naming the file and the tensor and leaves the model unchanged.
    /// </summary>
    public void LoadWeights(string path, WeightLoadOptions? options = null)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train(nameof(LoadWeights));
        _model.Load(path, options);
    }

    /// <summary>Training-mode forward pass with teacher forcing: the mean cross-entropy of the real target steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Forward(in Seq2SeqBatch batch, Span<float> outputs)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Forward");
        // every check before Prepare lays the workspace out: a rejected batch leaves the last Forward's caches for Backward intact
        CheckBatch(batch, outputs);
        RunBuffers u = _train;
        _hasTrained = false;
        Prepare(u, batch.Source, batch.BatchSize, batch.SourceSteps, batch.SourceLengths, batch.TargetSteps);
        Encode(u, training: true);
        DecodeSteps(u, batch.Targets, batch.TeacherForcing, stopAtEnd: false, training: true);
        float loss = ComputeLoss(u, batch, outputs);
        _hasTrained = true;
        return loss;
    }

    /// <summary>
    /// Inference-mode loss of one batch: the loss of <see cref="Forward"/> with dropout off and every step fed the true previous
    /// target, nothing kept for Backward (so it is repeatable and runs on several threads). <c>batch.TeacherForcing</c> must be 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Evaluate(in Seq2SeqBatch batch, Span<float> outputs)
    {
        CheckBatch(batch, outputs);
        if (batch.TeacherForcing != 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch.TeacherForcing, $"batch.TeacherForcing: Evaluate feeds every step the true previous target; expected 1 but got {batch.TeacherForcing}.");
        }

        using ConcurrencyGuard.InferenceScope use = _guard.Infer("Evaluate");
        Session session = Rent();
        try
        {
            RunBuffers u = session.Buffers;
            Prepare(u, batch.Source, batch.BatchSize, batch.SourceSteps, batch.SourceLengths, batch.TargetSteps);
            Encode(u, training: false);
            DecodeSteps(u, batch.Targets, 1f, stopAtEnd: false, training: false);
            return ComputeLoss(u, batch, outputs);
        }
        finally
        {
            _sessions.Return(session);
        }
    }

    /// <summary>Every check of a training batch and its output span, before anything changes.</summary>
    private static void CheckBatch(in Seq2SeqBatch batch, Span<float> outputs)
    {
        int B = batch.BatchSize, T = batch.TargetSteps;
        CheckSource(batch.Source, B, batch.SourceSteps, batch.SourceLengths, SourceArgument.Batch);
        Guard.Positive("batch.TargetSteps", T);
        Guard.Length("batch.Targets", batch.Targets.Length, B, T, 1, "[batchSize, targetSteps]");
        Guard.Lengths("batch.TargetLengths", batch.TargetLengths, B, T);
        Guard.Tokens("batch.Targets", batch.Targets, V);
        Guard.Probability("batch.TeacherForcing", batch.TeacherForcing);
        if (!outputs.IsEmpty)
        {
            Guard.Length(nameof(outputs), outputs.Length, B, T, V, "[batchSize, targetSteps, TargetVocabularySize]");
        }
    }

    /// <summary>The mean cross-entropy of the real target steps of the pass just run in <paramref name="u"/>, its gradient, and the probabilities.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ComputeLoss(RunBuffers u, in Seq2SeqBatch batch, Span<float> outputs)
    {
        int B = batch.BatchSize, T = batch.TargetSteps;
        Span<float> ws = u.Workspace;
        ref readonly Frame f = ref u.Frame;

        // targets and row weights step-major, like the logits
        Span<float> rowWeights = ws.Slice(f.RowWeights, T * B);
        for (int t = 0; t < T; t++)
        {
            for (int b = 0; b < B; b++)
            {
                u.StepTargets[t * B + b] = batch.Targets[b * T + t];
                rowWeights[t * B + b] = batch.TargetLengths.IsEmpty || t < batch.TargetLengths[b] ? 1f : 0f;
            }
        }

        float loss = Losses.SoftmaxCrossEntropy(T * B, V, ws.Slice(f.Logits, T * B * V), u.StepTargets.AsSpan(0, T * B), rowWeights,
            ws.Slice(f.Probabilities, T * B * V), ws.Slice(f.LossGradient, T * B * V));
        if (!outputs.IsEmpty)
        {
            for (int t = 0; t < T; t++)
            {
                for (int b = 0; b < B; b++)
                {
                    ws.Slice(f.Probabilities + (t * B + b) * V, V).CopyTo(outputs.Slice((b * T + t) * V, V));
                }
            }
        }

        return loss;
    }

    /// <summary>Backpropagation through the decoder steps (in reverse), the attention and the encoder into <see cref="Gradients"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward()
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Backward");
        if (!_hasTrained)
        {
            throw new InvalidOperationException("Backward() needs a Forward(batch) first.");
        }

        RunBuffers u = _train;
        ref readonly Frame f = ref u.Frame;
        int B = f.Batch, S = f.Source, T = f.Time, Q = TAttention.QuerySize;
        Span<float> ws = u.Workspace;
        Span<float> p = _parameters, g = _gradients;
        ws.Slice(f.BackwardStart, f.Total - f.BackwardStart).Clear();

        // output layer over all steps at once (softmax fused with the loss: ∂z = p − onehot(y)): ∂W += ∂zᵀ · x, ∂x = ∂z · W
        int w = TOutput.ParameterOffset;
        DenseKernel.Backward(T * B, O, V, Activation.Softmax, ws.Slice(f.OutputInput, T * B * O), O, p.Slice(w, V * O), ws.Slice(f.Probabilities, T * B * V),
            ws.Slice(f.LossGradient, T * B * V), true, g.Slice(w, V * O), g.Slice(w + V * O, V), ws.Slice(f.OutputInputGradient, T * B * O));

        // The steps in reverse: ∂(state after step t) in, ∂(state before step t) out, then swapped.
        int size = B * TNetwork.Info.DecoderStateSize;
        int dState = f.StateGradient, dPrevious = f.PreviousStateGradient;
        LayerBuffers values = TNetwork.EncoderOutput(u.Encoder);
        for (int t = T - 1; t >= 0; t--)
        {
            ref readonly TNetwork step = ref u.Steps[t];
            ws.Slice(f.StepGradients, f.StepGradientsEnd - f.StepGradients).Clear();
            ws.Slice(f.DecoderInputGradient, B * f.DecoderInputWidth).Clear();
            LayerBuffers top = TNetwork.DecoderOutput(step), embedding = TNetwork.TargetEmbedding(step);
            int H = top.Width, E = embedding.Width, D = f.DecoderInputWidth;
            // [s_t; c_t]: ∂s_t to the top layer, ∂c_t to the attention
            Span<float> dOut = ws.Slice(f.OutputInputGradient + t * B * O, B * O);
            for (int b = 0; b < B; b++)
            {
                dOut.Slice(b * O, H).CopyTo(ws.Slice(top.DOut + b * H, H));
                dOut.Slice(b * O + H, C).CopyTo(ws.Slice(f.ContextGradient + b * C, C));
            }

            SequencePass pass = StepPass(u, t, training: false) with
            {
                Gradients = g,
                InputGradient = ws.Slice(f.DecoderInputGradient, B * D),
                UsedState = true,
                FinalStateGradient = ws.Slice(dState, size),
                InitialStateGradient = ws.Slice(dPrevious, size),
            };
            TNetwork.DecodeBackward(step, pass);

            // x_t = [embedding(y_(t−1)); c_t]: ∂e to the embedding, ∂c_t joins the context gradient
            for (int b = 0; b < B; b++)
            {
                ws.Slice(f.DecoderInputGradient + b * D, E).CopyTo(ws.Slice(embedding.DOut + b * E, E));
                Span<float> dc = ws.Slice(f.ContextGradient + b * C, C);
                TensorPrimitives.Add(dc, ws.Slice(f.DecoderInputGradient + b * D + E, C), dc);
            }

            TNetwork.EmbedBackward(step, pass);
            if (FixedContext)
            {
                // c_t = C at every step: ∂C = Σ_t ∂c_t
                Span<float> dC = ws.Slice(f.FixedContextGradient, B * C);
                TensorPrimitives.Add(dC, ws.Slice(f.ContextGradient, B * C), dC);
            }

            if (TAttention.Exists)
            {
                // the query was the top layer's state before step t, so ∂query joins ∂(state before step t)
                Span<float> dQuery = ws.Slice(f.QueryGradient, B * Q);
                dQuery.Clear();
                AttentionKernel.Backward(AttentionArguments(u, t), new AttentionStepGradients
                {
                    Context = ws.Slice(f.ContextGradient, B * C),
                    Query = dQuery,
                    Keys = K > 0 ? ws.Slice(f.KeysGradient, B * S * K) : default,
                    Values = ws.Slice(values.DOut, values.Length),
                    QueryWeight = TAttention.Score == AttentionScore.Additive ? g.Slice(TAttention.ParameterOffset, TAttention.Units * Q) : default,
                    Energy = TAttention.Score == AttentionScore.Additive ? g.Slice(EnergyOffset, TAttention.Units) : default,
                    Scratch = ws.Slice(f.AttentionScratch, AttentionScratchSize(B, S)),
                });
                Span<float> dTop = ws.Slice(dPrevious + B * top.State, B * Q);
                TensorPrimitives.Add(dTop, dQuery, dTop);
            }

            (dState, dPrevious) = (dPrevious, dState);
        }

        if (K > 0)
        {
            // keys k_j = W h_j: ∂W += ∂kᵀ · h, ∂h += ∂k · W (once for all steps)
            AttentionKernel.ProjectKeysBackward(B * S, C, K, ws.Slice(values.Output, values.Length), p.Slice(KeyOffset, K * C), ws.Slice(f.KeysGradient, B * S * K),
                g.Slice(KeyOffset, K * C), ws.Slice(values.DOut, values.Length));
        }

        if (FixedContext)
        {
            // C was the top decoder layer's initial state: ∂C joins ∂(state before step 0), and flows on into the encoder
            Span<float> dTop = ws.Slice(dState + B * TNetwork.DecoderOutput(u.Steps[0]).State, B * C);
            TensorPrimitives.Add(dTop, ws.Slice(f.FixedContextGradient, B * C), dTop);
        }

        TNetwork.StartDecoderBackward(_states, new DecoderStates
        {
            Batch = B,
            From = ws.Slice(f.EncoderState, B * TNetwork.Info.EncoderStateSize),
            FromGradient = ws.Slice(f.EncoderStateGradient, B * TNetwork.Info.EncoderStateSize),
            ToGradient = ws.Slice(dState, size),
        });
        TNetwork.EncodeBackward(u.Encoder, EncoderPass(u, training: false) with
        {
            Gradients = g,
            UsedState = true,
            FinalStateGradient = ws.Slice(f.EncoderStateGradient, B * TNetwork.Info.EncoderStateSize),
        });
    }

    /// <summary>Greedy decoding of a batch: up to <paramref name="maxLength"/> tokens per source, the rest of each row filled with the end token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Decode(ReadOnlySpan<int> source, int batchSize, int sourceSteps, ReadOnlySpan<int> sourceLengths, Span<int> output, int maxLength, Span<int> outputLengths)
    {
        CheckSource(source, batchSize, sourceSteps, sourceLengths, SourceArgument.Batches);
        Guard.Positive(nameof(maxLength), maxLength);
        Guard.Length(nameof(output), output.Length, batchSize, maxLength, 1, "[batchSize, maxLength]");
        Guard.Length(nameof(outputLengths), outputLengths.Length, batchSize, 1, 1, "[batchSize]");
        using ConcurrencyGuard.InferenceScope use = _guard.Infer("Decode");
        Session session = Rent();
        try
        {
            RunBuffers u = session.Buffers;
            Prepare(u, source, batchSize, sourceSteps, sourceLengths, maxLength + 1);
            Encode(u, training: false);
            int steps = DecodeSteps(u, default, 0f, stopAtEnd: true, training: false);
            int B = batchSize, end = TNetwork.Info.EndToken;
            for (int b = 0; b < B; b++)
            {
                // output token i is the input of step i + 1; steps ran up to index min(steps, maxLength)
                int length = 0, last = Math.Min(steps, maxLength);
                while (length < maxLength && length + 1 <= last && u.InputTokens[(length + 1) * B + b] != end)
                {
                    length++;
                }

                for (int i = 0; i < maxLength; i++)
                {
                    output[b * maxLength + i] = i < length ? u.InputTokens[(i + 1) * B + b] : end;
                }

                outputLengths[b] = length;
            }
        }
        finally
        {
            _sessions.Return(session);
        }
    }

    /// <summary>Greedy decoding of one source; with <paramref name="attention"/> ([output.Length, source.Length]) the weights of each output token's step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Decode(ReadOnlySpan<int> source, Span<int> output, Span<float> attention)
    {
        int S = source.Length, maxLength = output.Length;
        CheckSource(source, 1, S, default, SourceArgument.One);
        Guard.Positive("output.Length", maxLength);
        if (!attention.IsEmpty)
        {
            if (!TAttention.Exists)
            {
                throw new ArgumentException("attention: this model has no attention layer.", nameof(attention));
            }

            Guard.Length(nameof(attention), attention.Length, maxLength, S, 1, "[output.Length, source.Length]");
        }

        using ConcurrencyGuard.InferenceScope use = _guard.Infer("Decode");
        Session session = Rent();
        try
        {
            RunBuffers u = session.Buffers;
            Prepare(u, source, 1, S, default, maxLength + 1);
            Encode(u, training: false);
            int steps = DecodeSteps(u, default, 0f, stopAtEnd: true, training: false);
            int length = 0, last = Math.Min(steps, maxLength);
            while (length < maxLength && length + 1 <= last && u.InputTokens[length + 1] != TNetwork.Info.EndToken)
            {
                length++;
            }

            u.InputTokens.AsSpan(1, length).CopyTo(output);
            if (!attention.IsEmpty)
            {
                attention.Clear();
                u.Workspace.AsSpan(u.Frame.Weights, length * S).CopyTo(attention);
            }

            return length;
        }
        finally
        {
            _sessions.Return(session);
        }
    }

    /// <summary>Beam search decoding of one source with <paramref name="beamWidth"/> hypotheses (1: greedy), in a session of its own.</summary>
    public int DecodeBeam(ReadOnlySpan<int> source, Span<int> output, int beamWidth, out float logProbability)
    {
        CheckSource(source, 1, source.Length, default, SourceArgument.One);
        using ConcurrencyGuard.InferenceScope use = _guard.Infer("DecodeBeam");
        Session session = Rent();
        try
        {
            return session.Search.Decode(session, source, output, beamWidth, output.Length, out logProbability);
        }
        finally
        {
            _sessions.Return(session);
        }
    }

    /// <summary>A decoding state with buffers of its own, for <see cref="BeginDecoding(ReadOnlySpan{int}, int, DecodingState)"/> and <see cref="DecodeStep(ReadOnlySpan{int}, ReadOnlySpan{int}, Span{float}, DecodingState)"/>.</summary>
    public DecodingState CreateDecodingState() => new Session { Core = this };

    /// <summary>
    /// <see cref="BeginDecoding(ReadOnlySpan{int}, int, DecodingState)"/> with the model's own state, which belongs to the
    /// thread that began: a <see cref="DecodeStep(ReadOnlySpan{int}, ReadOnlySpan{int}, Span{float})"/> from another thread throws.
    /// </summary>
    public void BeginDecoding(ReadOnlySpan<int> source, int beams) => BeginDecoding(source, beams, _own);

    /// <summary><see cref="DecodeStep(ReadOnlySpan{int}, ReadOnlySpan{int}, Span{float}, DecodingState)"/> with the model's own state.</summary>
    public void DecodeStep(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbabilities) => DecodeStep(parents, tokens, logProbabilities, _own);

    /// <summary>Encodes <paramref name="source"/> once per beam into <paramref name="state"/> and starts every beam's decoder state from it.</summary>
    public void BeginDecoding(ReadOnlySpan<int> source, int beams, DecodingState state)
    {
        Session session = AsSession(state);
        Guard.Positive(nameof(beams), beams);
        CheckSource(source, 1, source.Length, default, SourceArgument.One);
        using DecodingState.Scope busy = session.Enter("BeginDecoding");
        using ConcurrencyGuard.InferenceScope use = _guard.Infer("BeginDecoding");
        BeginDecodingCore(session, source, beams);
    }

    /// <summary>One step of every beam of <paramref name="state"/>: beam i continues beam parents[i] with input tokens[i]; writes log p(y) [beams, TargetVocabularySize].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DecodeStep(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbabilities, DecodingState state)
    {
        Session session = AsSession(state);
        using DecodingState.Scope busy = session.Enter("DecodeStep");
        if (session.Owned && session.Thread != Environment.CurrentManagedThreadId && session.Beams > 0)
        {
            throw new InvalidOperationException("DecodeStep: the model's own decoding state belongs to the thread that called BeginDecoding; give each thread its own (CreateDecodingState(), then BeginDecoding(source, beams, state)).");
        }

        using ConcurrencyGuard.InferenceScope use = _guard.Infer("DecodeStep");
        DecodeStepCore(session, parents, tokens, logProbabilities);
    }

    private Session Rent()
    {
        Session session = _sessions.Rent();
        session.Core = this;
        return session;
    }

    private static Session AsSession(DecodingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state as Session
            ?? throw new ArgumentException($"state: expected a DecodingState made by this model's CreateDecodingState() but got one of another model ({state.GetType().FullName}).", nameof(state));
    }

    /// <summary>Encodes the (checked) source once per beam and starts every beam's decoder state from it.</summary>
    private void BeginDecodingCore(Session session, ReadOnlySpan<int> source, int beams)
    {
        int S = source.Length;
        Buffers.Ensure(ref session.BeamSource, checked(beams * S));
        for (int k = 0; k < beams; k++)
        {
            source.CopyTo(session.BeamSource.AsSpan(k * S, S));
        }

        session.Steps = -1; // not ready until the encoder has run
        Prepare(session.Buffers, session.BeamSource.AsSpan(0, beams * S), beams, S, default, 1);
        Encode(session.Buffers, training: false);
        session.Steps = 0;
        session.Thread = Environment.CurrentManagedThreadId;
    }

    /// <summary>One step of every beam of <paramref name="session"/>; checks every argument before it moves any state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecodeStepCore(Session session, ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbabilities)
    {
        RunBuffers u = session.Buffers;
        int B = u.Frame.Batch;
        if (session.Steps < 0 || B == 0 || u.Frame.Time != 1)
        {
            throw new InvalidOperationException("DecodeStep needs a BeginDecoding first.");
        }

        Guard.Length(nameof(parents), parents.Length, B, 1, 1, "[beams]");
        Guard.Length(nameof(tokens), tokens.Length, B, 1, 1, "[beams]");
        Guard.Length(nameof(logProbabilities), logProbabilities.Length, B, 1, V, "[beams, TargetVocabularySize]");
        Guard.Tokens(nameof(tokens), tokens, V);
        for (int i = 0; i < B; i++)
        {
            if ((uint)parents[i] >= (uint)B)
            {
                throw new ArgumentOutOfRangeException(nameof(parents), parents[i], $"parents[{i}]: expected a beam index in 0…{B - 1} but got {parents[i]}.");
            }
        }

        Span<float> ws = u.Workspace;
        int size = B * TNetwork.Info.DecoderStateSize;
        if (session.Steps > 0)
        {
            // the state each beam continues: its parent's state after the last step
            Span<float> previous = ws.Slice(u.Frame.PreviousState, size);
            ws.Slice(u.Frame.DecoderState, size).CopyTo(previous);
            TNetwork.GatherDecoderStates(_states, new DecoderStates { Batch = B, From = previous, To = ws.Slice(u.Frame.DecoderState, size) }, parents);
        }

        tokens.CopyTo(u.InputTokens);
        DecoderStep(u, 0, training: false);
        session.Steps++;
        for (int b = 0; b < B; b++)
        {
            Span<float> row = logProbabilities.Slice(b * V, V);
            ws.Slice(u.Frame.Logits + b * V, V).CopyTo(row);
            Activations.LogSoftmax(row);
        }
    }

    /// <summary>Every check of a source batch (sizes, lengths in 1 … S, token ids in the source vocabulary), before anything changes.</summary>
    private static void CheckSource(ReadOnlySpan<int> source, int batchSize, int sourceSteps, ReadOnlySpan<int> sourceLengths, SourceArgument names)
    {
        bool batch = names == SourceArgument.Batch;
        string sourceName = batch ? "batch.Source" : "source";
        Guard.Positive(batch ? "batch.BatchSize" : "batchSize", batchSize);
        Guard.Positive(names switch { SourceArgument.Batch => "batch.SourceSteps", SourceArgument.Batches => "sourceSteps", _ => "source.Length" }, sourceSteps);
        Guard.Length(sourceName, source.Length, batchSize, sourceSteps, 1, "[batchSize, sourceSteps]");
        Guard.Lengths(batch ? "batch.SourceLengths" : "sourceLengths", sourceLengths, batchSize, sourceSteps);
        Guard.Tokens(sourceName, source, TNetwork.Info.SourceVocabularySize);
    }

    /// <summary>How a member names its source arguments: a training batch's fields, a batch of sources, or one source.</summary>
    private enum SourceArgument
    {
        Batch,
        Batches,
        One,
    }

    /// <summary>Lays the workspace out for a checked source batch and copies the source and its lengths.</summary>
    private static void Prepare(RunBuffers u, ReadOnlySpan<int> source, int batchSize, int sourceSteps, ReadOnlySpan<int> sourceLengths, int targetSteps)
    {
        Guard.Positive("targetSteps", targetSteps);
        if (u.Steps.Length < targetSteps)
        {
            u.Steps = new TNetwork[targetSteps];
        }

        try
        {
            // laid out from the workspace's 64-byte boundary; a grown (new) workspace has its own boundary
            Lay(u, batchSize, sourceSteps, targetSteps, Buffers.AlignedStart(u.Workspace));
            if (Buffers.EnsureAligned(ref u.Workspace, u.Frame.Total))
            {
                Lay(u, batchSize, sourceSteps, targetSteps, Buffers.AlignedStart(u.Workspace));
            }
        }
        catch (OverflowException)
        {
            throw Guard.WorkspaceTooLarge(batchSize, sourceSteps * targetSteps);
        }

        Buffers.Ensure(ref u.Source, batchSize * sourceSteps);
        Buffers.Ensure(ref u.SourceLengths, batchSize);
        Buffers.Ensure(ref u.InputTokens, batchSize * targetSteps);
        Buffers.Ensure(ref u.StepTargets, batchSize * targetSteps);
        source.CopyTo(u.Source);
        if (sourceLengths.IsEmpty)
        {
            u.SourceLengths.AsSpan(0, batchSize).Fill(sourceSteps);
        }
        else
        {
            sourceLengths.CopyTo(u.SourceLengths);
        }
    }

    /// <summary>
    /// Where everything lives for B pairs of S source and T target steps: the encoder's layers, the runtime's own buffers
    /// (states, keys, step inputs, attention, logits), one copy of the decoder's layers per step; then the gradients, of
    /// which the decoder's are one copy shared by the steps (cleared before each).
    /// </summary>
    private static void Lay(RunBuffers u, int B, int S, int T, int start)
    {
        checked
        {
            ref Frame f = ref u.Frame;
            f = default;
            f.Batch = B;
            f.Source = S;
            f.Time = T;
            var encoder = new WorkspaceBuilder(B, S, start);
            u.Encoder = default;
            TNetwork.LayEncoder(ref u.Encoder, ref encoder);
            var b = new WorkspaceBuilder(B, 1, encoder.Next);
            int E = 0;
            f.EncoderState = b.Take(B * TNetwork.Info.EncoderStateSize);
            f.DecoderState = b.Take(B * TNetwork.Info.DecoderStateSize);
            f.PreviousState = b.Take(B * TNetwork.Info.DecoderStateSize);
            f.Keys = b.Take(B * S * K);
            int steps = b.Next;
            for (int t = 0; t < T; t++)
            {
                var step = new WorkspaceBuilder(B, 1, steps);
                u.Steps[t] = default;
                TNetwork.LayDecoder(ref u.Steps[t], ref step);
                steps = step.Next;
                E = TNetwork.TargetEmbedding(u.Steps[t]).Width;
            }

            f.DecoderInputWidth = E + C;
            b = new WorkspaceBuilder(B, 1, steps);
            f.Queries = b.Take(T * B * TAttention.QuerySize);
            f.DecoderInput = b.Take(T * B * f.DecoderInputWidth);
            f.Weights = b.Take(TAttention.Exists ? T * B * S : 0);
            f.Context = b.Take(T * B * C);
            f.FixedContext = b.Take(FixedContext ? B * C : 0);
            f.AttentionCache = b.Take(TAttention.Exists ? T * AttentionCacheSize(B, S) : 0);
            f.OutputInput = b.Take(T * B * O);
            f.Logits = b.Take(T * B * V);
            f.Probabilities = b.Take(T * B * V);
            f.LossGradient = b.Take(T * B * V);
            f.RowWeights = b.Take(T * B);
            f.BackwardStart = b.Next;

            var encoderGradients = new WorkspaceBuilder(B, S, b.Next);
            encoderGradients.StartGradients();
            TNetwork.LayEncoder(ref u.Encoder, ref encoderGradients);
            b = new WorkspaceBuilder(B, 1, encoderGradients.Next);
            f.OutputInputGradient = b.Take(T * B * O);
            f.DecoderInputGradient = b.Take(B * f.DecoderInputWidth);
            f.ContextGradient = b.Take(B * C);
            f.FixedContextGradient = b.Take(FixedContext ? B * C : 0);
            f.QueryGradient = b.Take(B * TAttention.QuerySize);
            f.KeysGradient = b.Take(B * S * K);
            f.AttentionScratch = b.Take(TAttention.Exists ? AttentionScratchSize(B, S) : 0);
            f.StateGradient = b.Take(B * TNetwork.Info.DecoderStateSize);
            f.PreviousStateGradient = b.Take(B * TNetwork.Info.DecoderStateSize);
            f.EncoderStateGradient = b.Take(B * TNetwork.Info.EncoderStateSize);
            f.StepGradients = b.Next;
            for (int t = 0; t < T; t++)
            {
                var step = new WorkspaceBuilder(B, 1, f.StepGradients);
                step.StartGradients();
                TNetwork.LayDecoder(ref u.Steps[t], ref step);
                f.StepGradientsEnd = step.Next;
            }

            f.Total = f.StepGradientsEnd;
        }
    }

    /// <summary>The encoder over the whole source, the attention keys, and the decoder's initial states.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Encode(RunBuffers u, bool training)
    {
        ref readonly Frame f = ref u.Frame;
        int B = f.Batch, S = f.Source;
        Span<float> ws = u.Workspace;
        Span<float> encoderState = ws.Slice(f.EncoderState, B * TNetwork.Info.EncoderStateSize);
        encoderState.Clear();
        TNetwork.Encode(u.Encoder, EncoderPass(u, training) with { State = encoderState });
        if (K > 0)
        {
            // keys k_j = W h_j for every source step, once (not once per decoder step)
            LayerBuffers values = TNetwork.EncoderOutput(u.Encoder);
            AttentionKernel.ProjectKeys(B * S, C, K, ws.Slice(values.Output, values.Length), _parameters.AsSpan(KeyOffset, K * C), ws.Slice(f.Keys, B * S * K));
        }

        TNetwork.StartDecoder(_states, new DecoderStates { Batch = B, From = encoderState, To = ws.Slice(f.DecoderState, B * TNetwork.Info.DecoderStateSize) });
        if (FixedContext)
        {
            // C = the top decoder layer's initial state, from the encoder's final state; kept for every step
            ws.Slice(f.DecoderState + B * TNetwork.DecoderOutput(u.Steps[0]).State, B * C).CopyTo(ws.Slice(f.FixedContext, B * C));
        }
    }

    /// <summary>
    /// Runs the decoder over T steps: step t is fed y_(t−1), the target (teacher forcing, with probability
    /// <paramref name="teacherForcing"/>) or the model's own most likely token. Returns the steps run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DecodeSteps(RunBuffers u, ReadOnlySpan<int> targets, float teacherForcing, bool stopAtEnd, bool training)
    {
        int B = u.Frame.Batch, T = u.Frame.Time, end = TNetwork.Info.EndToken;
        Span<int> inputs = u.InputTokens;
        for (int t = 0; t < T; t++)
        {
            bool allEnded = t > 0;
            for (int b = 0; b < B; b++)
            {
                int token;
                if (t == 0)
                {
                    token = TNetwork.Info.StartToken;
                }
                else if (stopAtEnd && t > 1 && inputs[(t - 1) * B + b] == end)
                {
                    token = end; // decoding: a row that ended stays ended
                }
                else if (!targets.IsEmpty && (teacherForcing >= 1f || (teacherForcing > 0f && _sampling.NextFloat() < teacherForcing)))
                {
                    token = targets[b * T + t - 1];
                }
                else
                {
                    token = TokenSampler.ArgMax(u.Workspace.AsSpan(u.Frame.Logits + ((t - 1) * B + b) * V, V));
                }

                inputs[t * B + b] = token;
                allEnded &= token == end;
            }

            if (stopAtEnd && allEnded)
            {
                return t;
            }

            DecoderStep(u, t, training);
        }

        return T;
    }

    /// <summary>
    /// Decoder step t for all B rows: attention with the top layer's previous state as query, x_t = [embedding(y_(t−1)); c_t],
    /// the decoder layers, and the logits z_t = W [s_t; c_t] + b (the softmax is applied with the loss or when decoding).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecoderStep(RunBuffers u, int t, bool training)
    {
        ref readonly Frame f = ref u.Frame;
        ref readonly TNetwork step = ref u.Steps[t];
        int B = f.Batch, D = f.DecoderInputWidth;
        Span<float> ws = u.Workspace;
        LayerBuffers top = TNetwork.DecoderOutput(step), embedding = TNetwork.TargetEmbedding(step);
        int H = top.Width, E = embedding.Width;
        if (TAttention.Exists)
        {
            // α = softmax(score(s_(t−1), h_j)) over the real source steps, c_t = Σ_j α_j h_j
            int Q = TAttention.QuerySize;
            ws.Slice(f.DecoderState + B * top.State, B * Q).CopyTo(ws.Slice(f.Queries + t * B * Q, B * Q));
            AttentionKernel.Forward(AttentionArguments(u, t));
        }

        if (FixedContext)
        {
            ws.Slice(f.FixedContext, B * C).CopyTo(ws.Slice(f.Context + t * B * C, B * C)); // c_t = C at every step
        }

        SequencePass pass = StepPass(u, t, training);
        TNetwork.Embed(step, pass);
        Span<float> x = ws.Slice(f.DecoderInput + t * B * D, B * D);
        for (int b = 0; b < B; b++)
        {
            ws.Slice(embedding.Output + b * E, E).CopyTo(x.Slice(b * D, E));
            ws.Slice(f.Context + (t * B + b) * C, C).CopyTo(x.Slice(b * D + E, C));
        }

        TNetwork.Decode(step, pass);
        Span<float> o = ws.Slice(f.OutputInput + t * B * O, B * O);
        for (int b = 0; b < B; b++)
        {
            ws.Slice(top.Output + b * H, H).CopyTo(o.Slice(b * O, H));
            ws.Slice(f.Context + (t * B + b) * C, C).CopyTo(o.Slice(b * O + H, C));
        }

        int w = TOutput.ParameterOffset;
        DenseKernel.Forward(B, O, V, Activation.Linear, o, O, _parameters.AsSpan(w, V * O), _parameters.AsSpan(w + V * O, V), ws.Slice(f.Logits + t * B * V, B * V));
    }

    /// <summary>The encoder's pass over the source batch.</summary>
    private SequencePass EncoderPass(RunBuffers u, bool training)
    {
        int B = u.Frame.Batch, S = u.Frame.Source;
        return new SequencePass
        {
            Batch = B,
            Time = S,
            Workspace = u.Workspace,
            Parameters = _parameters,
            Tokens = u.Source.AsSpan(0, B * S),
            Lengths = u.SourceLengths.AsSpan(0, B),
            Training = training && _dropout is not null,
            Random = _dropout,
        };
    }

    /// <summary>Decoder step t's pass: the step's input tokens, x_t and the running decoder state.</summary>
    private SequencePass StepPass(RunBuffers u, int t, bool training)
    {
        ref readonly Frame f = ref u.Frame;
        int B = f.Batch;
        Span<float> ws = u.Workspace;
        return new SequencePass
        {
            Batch = B,
            Time = 1,
            Workspace = ws,
            Parameters = _parameters,
            Tokens = u.InputTokens.AsSpan(t * B, B),
            Input = ws.Slice(f.DecoderInput + t * B * f.DecoderInputWidth, B * f.DecoderInputWidth),
            State = ws.Slice(f.DecoderState, B * TNetwork.Info.DecoderStateSize),
            Training = training && _dropout is not null,
            Random = _dropout,
        };
    }

    /// <summary>The attention's arguments for decoder step t.</summary>
    private AttentionStep AttentionArguments(RunBuffers u, int t)
    {
        ref readonly Frame f = ref u.Frame;
        int B = f.Batch, S = f.Source, Q = TAttention.QuerySize, cache = AttentionCacheSize(B, S);
        Span<float> ws = u.Workspace;
        LayerBuffers values = TNetwork.EncoderOutput(u.Encoder);
        bool additive = TAttention.Score == AttentionScore.Additive;
        return new AttentionStep
        {
            Score = TAttention.Score,
            Batch = B,
            Source = S,
            QuerySize = Q,
            ValueSize = C,
            Units = TAttention.Units,
            Lengths = u.SourceLengths.AsSpan(0, B),
            Query = ws.Slice(f.Queries + t * B * Q, B * Q),
            Keys = K > 0 ? ws.Slice(f.Keys, B * S * K) : default,
            Values = ws.Slice(values.Output, values.Length),
            QueryWeight = additive ? _parameters.AsSpan(TAttention.ParameterOffset, TAttention.Units * Q) : default,
            Energy = additive ? _parameters.AsSpan(EnergyOffset, TAttention.Units) : default,
            Weights = ws.Slice(f.Weights + t * B * S, B * S),
            Context = ws.Slice(f.Context + t * B * C, B * C),
            Cache = ws.Slice(f.AttentionCache + t * cache, cache),
        };
    }

    private static int AttentionCacheSize(int B, int S) => AttentionKernel.CacheSize(TAttention.Score, B, S, TAttention.Units);

    private static int AttentionScratchSize(int B, int S) => B * S + B * Math.Max(1, TAttention.Units);

    /// <summary>The key projection: additive key.weight [U, V] after query.weight, general weight [Q, V] first.</summary>
    private static int KeyOffset => TAttention.ParameterOffset + (TAttention.Score == AttentionScore.Additive ? TAttention.Units * TAttention.QuerySize : 0);

    /// <summary>The additive score's energy.weight [1, U], after key.weight.</summary>
    private static int EnergyOffset => KeyOffset + TAttention.Units * TAttention.ValueSize;

    /// <summary>The buffers of one kind of use (training, or decoding): grown to the largest batch seen, never shrunk.</summary>
    private sealed class RunBuffers
    {
        public float[] Workspace = Array.Empty<float>();
        public int[] Source = Array.Empty<int>();           // [B, S] the source, copied
        public int[] SourceLengths = Array.Empty<int>();    // [B]
        public int[] InputTokens = Array.Empty<int>();      // [T, B] the token fed to each decoder step
        public int[] StepTargets = Array.Empty<int>();      // [T, B] the targets, step-major like the logits
        public TNetwork Encoder;                            // the encoder layers' buffers
        public TNetwork[] Steps = Array.Empty<TNetwork>();  // the decoder layers' buffers, one copy per step
        public Frame Frame;
    }

    /// <summary>
    /// A decoding session: its buffers, the source copied once per beam and how many steps ran (−1: not begun). A pooled
    /// session serves one Decode / DecodeBeam call; one from <see cref="CreateDecodingState"/> serves its caller's steps.
    /// </summary>
    private sealed class Session : DecodingState, ITokenDecoder
    {
        public readonly RunBuffers Buffers = new();
        public readonly BeamSearch Search = new();
        public int[] BeamSource = Array.Empty<int>();
        public int Steps = -1;
        public int Thread;      // the thread that began the model's own session
        public bool Owned;      // the model's own session (BeginDecoding / DecodeStep without a state)
        public EncoderDecoderCore<TNetwork, TAttention, TOutput> Core = null!;

        public override int Beams => Steps >= 0 ? Buffers.Frame.Batch : 0;

        int ITokenDecoder.TargetVocabularySize => V;

        int ITokenDecoder.StartToken => TNetwork.Info.StartToken;

        int ITokenDecoder.EndToken => TNetwork.Info.EndToken;

        // beam search inside DecodeBeam, which checked the source and holds the inference scope and the session
        void ITokenDecoder.BeginDecoding(ReadOnlySpan<int> source, int beams) => Core.BeginDecodingCore(this, source, beams);

        void ITokenDecoder.DecodeStep(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbabilities) => Core.DecodeStepCore(this, parents, tokens, logProbabilities);
    }

    /// <summary>Offsets of the runtime's own buffers for one batch.</summary>
    private struct Frame
    {
        public int Batch, Source, Time, DecoderInputWidth;
        public int EncoderState, DecoderState, PreviousState, Keys, Queries, DecoderInput, Weights, Context, FixedContext, AttentionCache;
        public int OutputInput, Logits, Probabilities, LossGradient, RowWeights, BackwardStart;
        public int OutputInputGradient, DecoderInputGradient, ContextGradient, FixedContextGradient, QueryGradient, KeysGradient, AttentionScratch;
        public int StateGradient, PreviousStateGradient, EncoderStateGradient, StepGradients, StepGradientsEnd, Total;
    }
}
