using System.ComponentModel;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Initialization;
using RnnGen.IO;
using RnnGen.Training;
using RnnGen.Trees;

namespace RnnGen.Generated;

/// <summary>
/// Everything a generated tree model does that is not the model itself: the parameter and gradient buffers, the per-batch
/// schedule and buffers, argument checks, Predict / Forward / Backward, the loss, Fit and Evaluate, weight files and the
/// concurrency contract. The generated class holds one and forwards to it; <typeparamref name="TNetwork"/> (generated)
/// supplies the sizes and the op sequence.
/// </summary>
/// <typeparam name="TNetwork">The generated struct: sizes and ops.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TreeCore<TNetwork> : IGuardedModel
    where TNetwork : struct, ITreeNetwork<TNetwork>
{
    private const int EvaluationBatch = 256;

    private readonly ModelParameters _model;
    private readonly float[] _parameters;
    private readonly float[] _gradients;
    private readonly ConcurrencyGuard _guard = new();

    // Training: the last training-mode Forward's schedule and caches. Inference calls rent their own from the pool, so
    // they run on several threads at once and never touch what Backward needs.
    private readonly TreeBuffers _training = new();
    private readonly WorkspacePool<TreeBuffers> _inference = new();
    private bool _hasTrained;
    private bool _trainedLogits;
    private bool _lossGradientReady;

    /// <summary>Creates the buffers and views of the model <paramref name="name"/> and initialises its parameters.</summary>
    public TreeCore(string name, int seed, Initializer initializer, params ModelLayer[] layers)
    {
        _model = new ModelParameters(name, TNetwork.Info.ParameterCount, layers);
        _parameters = _model.Values;
        _gradients = _model.Gradients;
        InitializeParameters(seed, initializer);
    }

    private static TreeNetworkInfo Info => TNetwork.Info;

    /// <inheritdoc/>
    public ConcurrencyGuard Concurrency => _guard;

    /// <summary>A Keras-style table of the layers, their output shapes and parameter counts.</summary>
    public string Summary => _model.Summary;

    /// <summary>Every trainable parameter, one contiguous buffer.</summary>
    public Span<float> Parameters => _parameters;

    /// <summary>Gradients accumulated by Backward, same layout as <see cref="Parameters"/>.</summary>
    public Span<float> Gradients => _gradients;

    /// <summary>Named views of <see cref="Parameters"/>.</summary>
    public IReadOnlyList<NamedTensor> NamedParameters => _model.Named;

    /// <summary>Named views of <see cref="Gradients"/>.</summary>
    public IReadOnlyList<NamedTensor> NamedGradients => _model.NamedGradients;

    /// <summary>The view of layer <paramref name="index"/> (declaration order).</summary>
    public T Layer<T>(int index) where T : Layer => (T)_model.Layers[index];

    /// <summary>The layer views in declaration order.</summary>
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

    /// <summary>Writes the parameters as a safetensors file with PyTorch-style names and shapes, atomically.</summary>
    public void SaveWeights(string path) => _model.Save(path);

    /// <summary>Reads a safetensors file; one that is invalid or does not fit throws, naming the tensor, and leaves the model unchanged.</summary>
    public void LoadWeights(string path, WeightLoadOptions? options = null)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train(nameof(LoadWeights));
        _model.Load(path, options);
    }

    private static string OutputShape => "[trees.Length, OutputSize]";

    /// <summary>Runs the model over a batch of trees: <paramref name="outputs"/> is <c>[trees.Length, OutputSize]</c>, one row per root.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(ReadOnlySpan<BinaryTree> trees, Span<float> outputs)
    {
        Guard.Length(nameof(outputs), outputs.Length, trees.Length, 1, Info.OutputSize, OutputShape);
        using ConcurrencyGuard.InferenceScope use = _guard.Infer("Predict");
        TreeBuffers buffers = _inference.Rent();
        try
        {
            Run(buffers, trees, logits: false);
            buffers.Output.AsSpan(0, outputs.Length).CopyTo(outputs);
        }
        finally
        {
            _inference.Return(buffers);
        }
    }

    /// <summary>Runs the model on one tree: <paramref name="output"/> is <c>[OutputSize]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(BinaryTree tree, Span<float> output) => Predict(new ReadOnlySpan<BinaryTree>(in tree), output);

    /// <summary>Training-mode forward pass that keeps what <see cref="Backward(ReadOnlySpan{float})"/> needs; <paramref name="outputs"/> (may be empty) gets the head's outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<BinaryTree> trees, Span<float> outputs)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Forward");
        if (!outputs.IsEmpty)
        {
            Guard.Length(nameof(outputs), outputs.Length, trees.Length, 1, Info.OutputSize, OutputShape);
        }

        Train(trees, logits: false);
        _lossGradientReady = false;
        if (!outputs.IsEmpty)
        {
            _training.Output.AsSpan(0, outputs.Length).CopyTo(outputs);
        }
    }

    /// <summary>
    /// Backpropagation through the trees of the last <see cref="Forward(ReadOnlySpan{BinaryTree}, Span{float})"/>:
    /// <paramref name="outputGradient"/> <c>[trees, OutputSize]</c> = ∂loss/∂outputs in; parameter gradients accumulated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> outputGradient)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Backward");
        if (!_hasTrained || _trainedLogits)
        {
            throw new InvalidOperationException("Backward(outputGradient) needs a training-mode Forward(trees, outputs) first (a loss Forward is followed by Backward()).");
        }

        int n = _training.Schedule.TreeCount;
        Guard.Length(nameof(outputGradient), outputGradient.Length, n, 1, Info.OutputSize, "[trees of the last Forward, OutputSize]");
        outputGradient.CopyTo(_training.OutputGradient);
        BackwardCore();
    }

    /// <summary>Training-mode forward pass with the cross-entropy loss against one class per tree; returns the mean loss and writes the class probabilities unless <paramref name="outputs"/> is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Forward(ReadOnlySpan<BinaryTree> trees, ReadOnlySpan<int> classTargets, Span<float> outputs)
        => LossForward(trees, classTargets, default, outputs);

    /// <summary>Training-mode forward pass with the model's float-target loss (mean squared error or binary cross-entropy): targets <c>[trees, OutputSize]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Forward(ReadOnlySpan<BinaryTree> trees, ReadOnlySpan<float> targets, Span<float> outputs)
        => LossForward(trees, default, targets, outputs);

    /// <summary>Accumulates ∂loss/∂parameters of the last loss Forward into <see cref="Gradients"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward()
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Backward");
        if (!_hasTrained || !_lossGradientReady)
        {
            throw new InvalidOperationException("Backward() needs a training-mode Forward with targets first; a Forward without targets is followed by Backward(outputGradient).");
        }

        BackwardCore();
    }

    /// <summary>Inference-mode loss of one batch against class targets: nothing kept for Backward, safe on several threads.</summary>
    public float Evaluate(ReadOnlySpan<BinaryTree> trees, ReadOnlySpan<int> classTargets, Span<float> outputs)
        => EvaluateBatch(trees, classTargets, default, outputs);

    /// <summary>Inference-mode loss of one batch against float targets <c>[trees, OutputSize]</c>.</summary>
    public float Evaluate(ReadOnlySpan<BinaryTree> trees, ReadOnlySpan<float> targets, Span<float> outputs)
        => EvaluateBatch(trees, default, targets, outputs);

    /// <summary>
    /// Trains on <paramref name="trees"/> and their class labels for <paramref name="epochs"/> epochs of mini-batches,
    /// shuffled with <paramref name="seed"/> (a new order each epoch); every tree and label is checked before the first update.
    /// </summary>
    public TrainingHistory Fit(IReadOnlyList<BinaryTree> trees, IReadOnlyList<int> labels, Optimizer optimizer, int epochs, int batchSize, int seed, Action<EpochResult>? onEpochEnd)
    {
        ArgumentNullException.ThrowIfNull(labels);
        RequireLoss(classes: true);
        CheckData(trees, labels.Count, nameof(labels));
        var targets = labels.ToArray();
        Guard.ClassIds(nameof(labels), targets, Info.OutputSize);
        return FitCore(trees, targets, null, optimizer, epochs, batchSize, seed, onEpochEnd);
    }

    /// <summary>Trains on <paramref name="trees"/> and their float targets <c>[trees, OutputSize]</c> (see the class-label overload).</summary>
    public TrainingHistory Fit(IReadOnlyList<BinaryTree> trees, ReadOnlySpan<float> targets, Optimizer optimizer, int epochs, int batchSize, int seed, Action<EpochResult>? onEpochEnd)
    {
        RequireLoss(classes: false);
        ArgumentNullException.ThrowIfNull(trees);
        Guard.Length(nameof(targets), targets.Length, trees.Count, 1, Info.OutputSize, "[trees.Count, OutputSize]");
        CheckData(trees, trees.Count, nameof(targets));
        CheckTargets(nameof(targets), targets);
        return FitCore(trees, null, targets.ToArray(), optimizer, epochs, batchSize, seed, onEpochEnd);
    }

    /// <summary>The mean loss and the metric (accuracy) of the model on <paramref name="trees"/> and their class labels, in inference mode.</summary>
    public EvaluationResult Evaluate(IReadOnlyList<BinaryTree> trees, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        RequireLoss(classes: true);
        CheckData(trees, labels.Count, nameof(labels));
        var targets = labels.ToArray();
        Guard.ClassIds(nameof(labels), targets, Info.OutputSize);
        return EvaluateAll(trees, targets, null);
    }

    /// <summary>The mean loss and the metric (binary accuracy or mean absolute error) on <paramref name="trees"/> and their float targets.</summary>
    public EvaluationResult Evaluate(IReadOnlyList<BinaryTree> trees, ReadOnlySpan<float> targets)
    {
        RequireLoss(classes: false);
        ArgumentNullException.ThrowIfNull(trees);
        Guard.Length(nameof(targets), targets.Length, trees.Count, 1, Info.OutputSize, "[trees.Count, OutputSize]");
        CheckData(trees, trees.Count, nameof(targets));
        CheckTargets(nameof(targets), targets);
        return EvaluateAll(trees, null, targets.ToArray());
    }

    // ----- passes -----

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float LossForward(ReadOnlySpan<BinaryTree> trees, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> targets, Span<float> outputs)
    {
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Forward");
        CheckBatchTargets(trees.Length, classTargets, targets, outputs);
        Train(trees, logits: Info.FusedLoss);
        float loss = ComputeLoss(_training, classTargets, targets, outputs);
        _lossGradientReady = true;
        return loss;
    }

    private float EvaluateBatch(ReadOnlySpan<BinaryTree> trees, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> targets, Span<float> outputs)
    {
        CheckBatchTargets(trees.Length, classTargets, targets, outputs);
        using ConcurrencyGuard.InferenceScope use = _guard.Infer("Evaluate");
        TreeBuffers buffers = _inference.Rent();
        try
        {
            Run(buffers, trees, logits: Info.FusedLoss);
            return ComputeLoss(buffers, classTargets, targets, outputs);
        }
        finally
        {
            _inference.Return(buffers);
        }
    }

    /// <summary>The training-mode forward pass into the training buffers; the last pass is forgotten first, as its caches are about to change.</summary>
    private void Train(ReadOnlySpan<BinaryTree> trees, bool logits)
    {
        _training.Schedule.Set(trees, Info.VocabularySize); // checks every tree before anything changes
        _hasTrained = false;
        Run(_training, trees, logits, scheduled: true);
        _trainedLogits = logits;
        _hasTrained = true;
    }

    /// <summary>Schedules <paramref name="trees"/> (unless done), sizes the buffers and runs the layers' forward passes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(TreeBuffers b, ReadOnlySpan<BinaryTree> trees, bool logits, bool scheduled = false)
    {
        TreeSchedule s = b.Schedule;
        if (!scheduled)
        {
            s.Set(trees, Info.VocabularySize);
        }

        b.Fit(s);
        TNetwork.Forward(b.Pass(_parameters, default, logits));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardCore() => TNetwork.Backward(_training.Pass(_parameters, _gradients, _trainedLogits));

    /// <summary>The loss of the pass just run in <paramref name="b"/>, its gradient with respect to the head's output, and the outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ComputeLoss(TreeBuffers b, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> targets, Span<float> outputs)
    {
        int n = b.Schedule.TreeCount, O = Info.OutputSize;
        Span<float> output = b.Output.AsSpan(0, n * O), gradient = b.OutputGradient.AsSpan(0, n * O), probabilities = b.Probabilities.AsSpan(0, n * O);
        float loss;
        switch (Info.Loss)
        {
            case Loss.CrossEntropy:
                loss = Losses.SoftmaxCrossEntropy(n, O, output, classTargets, default, probabilities, gradient);
                break;
            case Loss.BinaryCrossEntropy:
                loss = Losses.SigmoidBinaryCrossEntropy(n, O, output, targets, default, probabilities, gradient);
                break;
            default:
                loss = Losses.MeanSquaredError(n, O, output, targets, default, gradient);
                output.CopyTo(probabilities);
                break;
        }

        if (!outputs.IsEmpty)
        {
            probabilities.CopyTo(outputs);
        }

        return loss;
    }

    // ----- Fit and Evaluate over a data set -----

    private TrainingHistory FitCore(IReadOnlyList<BinaryTree> trees, int[]? classes, float[]? values, Optimizer optimizer, int epochs, int batchSize, int seed, Action<EpochResult>? onEpochEnd)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Guard.Positive(nameof(epochs), epochs);
        Guard.Positive(nameof(batchSize), batchSize);
        using ConcurrencyGuard.TrainingScope use = _guard.Train("Fit");
        int O = Info.OutputSize, count = trees.Count;
        var random = new DeterministicRandom(seed);
        int[] order = Enumerable.Range(0, count).ToArray();
        var batch = new BinaryTree[batchSize];
        var batchClasses = new int[classes is null ? 0 : batchSize];
        var batchValues = new float[values is null ? 0 : batchSize * O];
        var outputs = new float[batchSize * O];
        var history = new TrainingHistory(MetricName);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            random.Shuffle(order.AsSpan());
            double total = 0, metric = 0;
            for (int start = 0; start < count; start += batchSize)
            {
                int n = Math.Min(batchSize, count - start);
                Gather(trees, classes, values, order.AsSpan(start, n), batch, batchClasses, batchValues);
                ZeroGradients();
                Span<float> output = outputs.AsSpan(0, n * O);
                float loss = LossForward(batch.AsSpan(0, n), batchClasses.AsSpan(0, classes is null ? 0 : n), batchValues.AsSpan(0, values is null ? 0 : n * O), output);
                Backward();
                optimizer.Update(_parameters, _gradients);
                total += (double)loss * n;
                metric += MetricSum(output, batchClasses.AsSpan(0, classes is null ? 0 : n), batchValues.AsSpan(0, values is null ? 0 : n * O));
            }

            var result = new EpochResult(epoch + 1, total / count, metric / MetricCount(count), null, null, clock.Elapsed);
            history.Add(result);
            onEpochEnd?.Invoke(result);
        }

        history.BestEpoch = epochs;
        return history;
    }

    private EvaluationResult EvaluateAll(IReadOnlyList<BinaryTree> trees, int[]? classes, float[]? values)
    {
        int O = Info.OutputSize, count = trees.Count, size = Math.Min(EvaluationBatch, count);
        var batch = new BinaryTree[size];
        var batchClasses = new int[classes is null ? 0 : size];
        var batchValues = new float[values is null ? 0 : size * O];
        var outputs = new float[size * O];
        var order = new int[size];
        double total = 0, metric = 0;
        for (int start = 0; start < count; start += size)
        {
            int n = Math.Min(size, count - start);
            for (int i = 0; i < n; i++)
            {
                order[i] = start + i;
            }

            Gather(trees, classes, values, order.AsSpan(0, n), batch, batchClasses, batchValues);
            Span<float> output = outputs.AsSpan(0, n * O);
            ReadOnlySpan<int> c = batchClasses.AsSpan(0, classes is null ? 0 : n);
            ReadOnlySpan<float> v = batchValues.AsSpan(0, values is null ? 0 : n * O);
            total += (double)EvaluateBatch(batch.AsSpan(0, n), c, v, output) * n;
            metric += MetricSum(output, c, v);
        }

        double loss = total / count;
        return new EvaluationResult(loss, metric / MetricCount(count), MetricName, Math.Exp(loss));
    }

    private static void Gather(IReadOnlyList<BinaryTree> trees, int[]? classes, float[]? values, ReadOnlySpan<int> rows, BinaryTree[] batch, int[] batchClasses, float[] batchValues)
    {
        int O = Info.OutputSize;
        for (int i = 0; i < rows.Length; i++)
        {
            int r = rows[i];
            batch[i] = trees[r];
            if (classes is not null)
            {
                batchClasses[i] = classes[r];
            }
            else
            {
                values.AsSpan(r * O, O).CopyTo(batchValues.AsSpan(i * O, O));
            }
        }
    }

    private static string MetricName => Info.Loss switch
    {
        Loss.CrossEntropy => "accuracy",
        Loss.BinaryCrossEntropy => "binary_accuracy",
        _ => "mae",
    };

    /// <summary>Per-tree metric summed over a batch: right answers (accuracy), right outputs (binary accuracy) or absolute errors (mae).</summary>
    private static double MetricSum(ReadOnlySpan<float> outputs, ReadOnlySpan<int> classes, ReadOnlySpan<float> values)
    {
        int O = Info.OutputSize;
        double sum = 0;
        if (Info.Loss == Loss.CrossEntropy)
        {
            for (int i = 0; i < classes.Length; i++)
            {
                sum += TensorPrimitives.IndexOfMax(outputs.Slice(i * O, O)) == classes[i] ? 1 : 0;
            }

            return sum;
        }

        for (int i = 0; i < values.Length; i++)
        {
            sum += Info.Loss == Loss.BinaryCrossEntropy ? ((outputs[i] >= 0.5f) == (values[i] >= 0.5f) ? 1 : 0) : Math.Abs(outputs[i] - values[i]);
        }

        return sum;
    }

    private static int MetricCount(int trees) => Info.Loss == Loss.CrossEntropy ? trees : trees * Info.OutputSize;

    // ----- checks -----

    private static void RequireLoss(bool classes)
    {
        if (Info.Loss == Loss.None || (Info.Loss == Loss.CrossEntropy) != classes)
        {
            throw new InvalidOperationException($"The model's loss is {Info.Loss}: {(Info.Loss == Loss.None ? "it is inference-only" : Info.Loss == Loss.CrossEntropy ? "give one class id per tree" : "give float targets [trees, OutputSize]")}.");
        }
    }

    private static void CheckData(IReadOnlyList<BinaryTree> trees, int targetRows, string targetName)
    {
        ArgumentNullException.ThrowIfNull(trees);
        if (trees.Count == 0 || trees.Count != targetRows)
        {
            throw new ArgumentException($"{targetName}: expected one target row per tree ({trees.Count} trees, at least one) but got {targetRows}.", targetName);
        }

        for (int t = 0; t < trees.Count; t++)
        {
            BinaryTree tree = trees[t] ?? throw new ArgumentException($"trees[{t}] is null.", nameof(trees));
            for (int node = 0; node < tree.NodeCount; node++)
            {
                if (tree.IsLeaf(node) && (uint)tree.Token(node) >= (uint)Info.VocabularySize)
                {
                    throw new ArgumentException($"trees[{t}]: leaf {node} has token {tree.Token(node)}; expected 0 … {Info.VocabularySize - 1}.", nameof(trees));
                }
            }
        }
    }

    private static void CheckTargets(string name, ReadOnlySpan<float> targets)
    {
        if (Info.Loss == Loss.BinaryCrossEntropy)
        {
            Guard.Probabilities(name, targets, Info.OutputSize);
        }
    }

    /// <summary>Every check of a batch with targets before anything changes (the trees are checked when scheduled).</summary>
    private static void CheckBatchTargets(int trees, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> targets, Span<float> outputs)
    {
        RequireLoss(classes: Info.Loss == Loss.CrossEntropy && (!classTargets.IsEmpty || targets.IsEmpty));
        if (!outputs.IsEmpty)
        {
            Guard.Length(nameof(outputs), outputs.Length, trees, 1, Info.OutputSize, OutputShape);
        }

        if (Info.Loss == Loss.CrossEntropy)
        {
            Guard.Length(nameof(classTargets), classTargets.Length, trees, 1, 1, "[trees.Length]");
            Guard.ClassIds(nameof(classTargets), classTargets, Info.OutputSize);
        }
        else
        {
            Guard.Length(nameof(targets), targets.Length, trees, 1, Info.OutputSize, "[trees.Length, OutputSize]");
            CheckTargets(nameof(targets), targets);
        }
    }

    /// <summary>The schedule and buffers of one batch (the training pass's, or one inference call's), grown to the largest batch seen.</summary>
    private sealed class TreeBuffers
    {
        public readonly TreeSchedule Schedule = new();
        public float[] Leaves = Array.Empty<float>(), LeafGradient = Array.Empty<float>(), Cache = Array.Empty<float>(), NodeGradient = Array.Empty<float>();
        public float[] Roots = Array.Empty<float>(), RootGradient = Array.Empty<float>(), Output = Array.Empty<float>(), OutputGradient = Array.Empty<float>();
        public float[] Probabilities = Array.Empty<float>(), Scratch = Array.Empty<float>();

        /// <summary>Grows every buffer to what the scheduled batch needs.</summary>
        public void Fit(TreeSchedule s)
        {
            TreeNetworkInfo info = Info;
            int H = info.Units, leaves = s.LevelStart(1), nodes = s.NodeCount, trees = s.TreeCount, outputs = checked(trees * info.OutputSize);
            Buffers.Ensure(ref Leaves, checked(leaves * info.LeafSize));
            Buffers.Ensure(ref LeafGradient, checked(leaves * info.LeafSize));
            Buffers.Ensure(ref Cache, checked(nodes * info.CacheWidth));
            Buffers.Ensure(ref NodeGradient, checked(nodes * H));
            Buffers.Ensure(ref Roots, checked(trees * H));
            Buffers.Ensure(ref RootGradient, checked(trees * H));
            Buffers.Ensure(ref Output, outputs);
            Buffers.Ensure(ref OutputGradient, outputs);
            Buffers.Ensure(ref Probabilities, outputs);
            Buffers.Ensure(ref Scratch, info.Cell == TreeCellKind.Lstm ? TreeLstmCell.ScratchLength(s, H) : TreeRnnCell.ScratchLength(s, H));
        }

        public TreePass Pass(ReadOnlySpan<float> parameters, Span<float> gradients, bool logits) => new()
        {
            Schedule = Schedule,
            Parameters = parameters,
            Gradients = gradients,
            Leaves = Leaves,
            LeafGradient = LeafGradient,
            Cache = Cache,
            NodeGradient = NodeGradient,
            Roots = Roots,
            RootGradient = RootGradient,
            Output = Output,
            OutputGradient = OutputGradient,
            Scratch = Scratch,
            Logits = logits,
        };
    }
}
