using System.Numerics.Tensors;
using RnnGen.Initialization;
using RnnGen.Layers;
using RnnGen.Training;

namespace RnnGen.Trees;

/// <summary>
/// A recursive neural network classifying binary trees by their root: token embeddings at the leaves, one composition
/// cell applied at every inner node (the same weights everywhere in the tree), a softmax layer on the root's vector,
/// cross-entropy loss, backpropagation through the tree structure. Batches of trees of different shapes run level by
/// level (<see cref="TreeSchedule"/>). Parameters use PyTorch-style names (<see cref="NamedParameters"/>); steady-state
/// Predict, Forward and Backward allocate nothing. One instance is not safe to use from several threads at once.
/// </summary>
public sealed class RecursiveNetwork
{
    private readonly float[] _parameters, _gradients;
    private readonly int _embeddingAt, _cellIhAt, _cellHhAt, _cellBiasAt, _outputWeightAt, _outputBiasAt;
    private readonly TreeSchedule _schedule = new();
    private float[] _leafInputs = Array.Empty<float>(), _dLeafInputs = Array.Empty<float>(), _cache = Array.Empty<float>(), _dHidden = Array.Empty<float>();
    private float[] _scratch = Array.Empty<float>(), _roots = Array.Empty<float>(), _logits = Array.Empty<float>(), _probabilities = Array.Empty<float>(), _dLogits = Array.Empty<float>();
    private int[] _targets = Array.Empty<int>();
    private bool _readyForBackward;

    /// <summary>Creates the network with parameters initialised from <paramref name="seed"/> (PyTorch's defaults: N(0, 1) embeddings, U(±1/√fan-in) weights).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, or <see cref="TreeCellKind.Tanh"/> with embedding size ≠ hidden size.</exception>
    public RecursiveNetwork(int vocabularySize, int embeddingSize, int hiddenSize, int classes, TreeCellKind cell = TreeCellKind.Lstm, int seed = 0)
    {
        Positive(vocabularySize, nameof(vocabularySize));
        Positive(embeddingSize, nameof(embeddingSize));
        Positive(hiddenSize, nameof(hiddenSize));
        Positive(classes, nameof(classes));
        if (!Enum.IsDefined(cell))
        {
            throw new ArgumentOutOfRangeException(nameof(cell), cell, $"RecursiveNetwork: unknown cell {(int)cell}.");
        }

        if (cell == TreeCellKind.Tanh && embeddingSize != hiddenSize)
        {
            throw new ArgumentOutOfRangeException(nameof(embeddingSize), embeddingSize,
                $"RecursiveNetwork: the tanh cell uses the leaves' embeddings as their vectors, so embeddingSize must equal hiddenSize = {hiddenSize}; got {embeddingSize}.");
        }

        (VocabularySize, EmbeddingSize, HiddenSize, Classes, Cell) = (vocabularySize, embeddingSize, hiddenSize, classes, cell);
        int H = hiddenSize, gates = cell == TreeCellKind.Lstm ? TreeLstmCell.GateCount * H : H;
        var tensors = new List<(string Name, int[] Shape)>
        {
            ("embedding.weight", new[] { vocabularySize, embeddingSize }),
        };
        if (cell == TreeCellKind.Lstm)
        {
            tensors.Add(("tree.weight_ih", new[] { gates, embeddingSize }));
        }

        tensors.Add(("tree.weight_hh", new[] { gates, 2 * H }));
        tensors.Add(("tree.bias", new[] { gates }));
        tensors.Add(("output.weight", new[] { classes, H }));
        tensors.Add(("output.bias", new[] { classes }));

        int offset = 0;
        var offsets = new int[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            offsets[i] = offset;
            offset = checked(offset + tensors[i].Shape.Aggregate(1, (a, b) => checked(a * b)));
        }

        _parameters = new float[offset];
        _gradients = new float[offset];
        NamedParameters = tensors.Select((t, i) => new NamedTensor(t.Name, t.Shape, new Memory<float>(_parameters, offsets[i], t.Shape.Aggregate(1, (a, b) => a * b)))).ToArray();
        NamedGradients = tensors.Select((t, i) => new NamedTensor(t.Name, t.Shape, new Memory<float>(_gradients, offsets[i], t.Shape.Aggregate(1, (a, b) => a * b)))).ToArray();
        int k = 0;
        _embeddingAt = offsets[k++];
        _cellIhAt = cell == TreeCellKind.Lstm ? offsets[k++] : -1;
        _cellHhAt = offsets[k++];
        _cellBiasAt = offsets[k++];
        _outputWeightAt = offsets[k++];
        _outputBiasAt = offsets[k];

        var random = new DeterministicRandom(seed);
        Initializers.Normal(_parameters.AsSpan(_embeddingAt, vocabularySize * embeddingSize), 1f, random);
        float cellLimit = 1f / MathF.Sqrt(H), outputLimit = 1f / MathF.Sqrt(H);
        int cellAt = _cellIhAt >= 0 ? _cellIhAt : _cellHhAt; // the cell's weights and bias are contiguous
        Initializers.Uniform(_parameters.AsSpan(cellAt, _outputWeightAt - cellAt), cellLimit, random);
        Initializers.Uniform(_parameters.AsSpan(_outputWeightAt, classes * H + classes), outputLimit, random);
    }

    /// <summary>Token ids are 0 … VocabularySize − 1.</summary>
    public int VocabularySize { get; }

    /// <summary>Length of a leaf's embedding.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Length of every node's vector.</summary>
    public int HiddenSize { get; }

    /// <summary>Classes of the root's softmax.</summary>
    public int Classes { get; }

    /// <summary>The composition cell.</summary>
    public TreeCellKind Cell { get; }

    /// <summary>All parameters, one buffer (an optimizer updates it in place).</summary>
    public Span<float> Parameters => _parameters;

    /// <summary>Gradients accumulated by <see cref="Backward"/>, same layout.</summary>
    public Span<float> Gradients => _gradients;

    /// <summary>Named views of <see cref="Parameters"/> (embedding.weight, tree.weight_ih, tree.weight_hh, tree.bias, output.weight, output.bias).</summary>
    public IReadOnlyList<NamedTensor> NamedParameters { get; }

    /// <summary>Named views of <see cref="Gradients"/>.</summary>
    public IReadOnlyList<NamedTensor> NamedGradients { get; }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Array.Clear(_gradients);

    /// <summary>Class probabilities of each tree's root: <paramref name="probabilities"/> is <c>[trees, Classes]</c>.</summary>
    /// <exception cref="ArgumentException">The output length is wrong or a tree is invalid (the message names which).</exception>
    public void Predict(ReadOnlySpan<BinaryTree> trees, Span<float> probabilities)
    {
        if (probabilities.Length != trees.Length * Classes)
        {
            throw new ArgumentException($"probabilities: expected trees × Classes = {trees.Length} × {Classes} = {trees.Length * Classes} floats, got {probabilities.Length}.", nameof(probabilities));
        }

        _readyForBackward = false;
        Run(trees);
        _logits.AsSpan(0, probabilities.Length).CopyTo(probabilities);
        for (int t = 0; t < trees.Length; t++)
        {
            Kernels.Activations.Softmax(probabilities.Slice(t * Classes, Classes));
        }
    }

    /// <summary>The most probable class of one tree.</summary>
    public int Classify(BinaryTree tree)
    {
        Span<float> p = stackalloc float[Classes];
        Predict(new[] { tree }, p);
        return TensorPrimitives.IndexOfMax(p);
    }

    /// <summary>Training-mode pass: returns the mean cross-entropy of the roots against <paramref name="labels"/> and keeps what <see cref="Backward"/> needs.</summary>
    /// <exception cref="ArgumentException">A label is out of range or the counts differ; nothing changes.</exception>
    public float Forward(ReadOnlySpan<BinaryTree> trees, ReadOnlySpan<int> labels)
    {
        if (labels.Length != trees.Length)
        {
            throw new ArgumentException($"labels: expected one per tree ({trees.Length}), got {labels.Length}.", nameof(labels));
        }

        for (int t = 0; t < labels.Length; t++)
        {
            if ((uint)labels[t] >= (uint)Classes)
            {
                throw new ArgumentException($"labels[{t}] = {labels[t]}; expected 0 … {Classes - 1}.", nameof(labels));
            }
        }

        _readyForBackward = false;
        Run(trees);
        int n = trees.Length;
        Grow(ref _targets, n);
        labels.CopyTo(_targets);
        Grow(ref _probabilities, n * Classes);
        Grow(ref _dLogits, n * Classes);
        float loss = Losses.SoftmaxCrossEntropy(n, Classes, _logits, _targets.AsSpan(0, n), default, _probabilities, _dLogits);
        _readyForBackward = true;
        return loss;
    }

    /// <summary>Accumulates ∂loss/∂parameters of the last <see cref="Forward"/> into <see cref="Gradients"/>.</summary>
    /// <exception cref="InvalidOperationException">No training-mode Forward came before (or a Predict came in between).</exception>
    public void Backward()
    {
        if (!_readyForBackward)
        {
            throw new InvalidOperationException("RecursiveNetwork.Backward needs a Forward(trees, labels) first; Predict in between discards its caches.");
        }

        TreeSchedule s = _schedule;
        int n = s.TreeCount, H = HiddenSize, E = EmbeddingSize, leaves = s.LevelStart(1);
        Span<float> p = _parameters, g = _gradients;

        // output layer on the roots: ∂W += ∂zᵀ·h, ∂b += Σ∂z, ∂h_root = ∂z·W
        Span<float> dHidden = _dHidden.AsSpan(0, s.NodeCount * H);
        dHidden.Clear();
        Span<float> dRoots = _scratch.AsSpan(0, n * H);
        dRoots.Clear(); // DenseKernel.Backward accumulates into it
        DenseKernel.Backward(n, H, Classes, Activation.Linear, _roots, H, p.Slice(_outputWeightAt, Classes * H), _logits,
            _dLogits.AsSpan(0, n * Classes), dyIsPreActivation: true, g.Slice(_outputWeightAt, Classes * H), g.Slice(_outputBiasAt, Classes), dRoots);
        for (int t = 0; t < n; t++)
        {
            dRoots.Slice(t * H, H).CopyTo(dHidden.Slice(s.Roots[t] * H, H));
        }

        Span<float> dLeaves = _dLeafInputs.AsSpan(0, leaves * E);
        Span<float> scratch = _scratch.AsSpan(n * H);
        if (Cell == TreeCellKind.Lstm)
        {
            TreeLstmCell.Backward(s, E, H, _leafInputs, p.Slice(_cellIhAt, 5 * H * E), p.Slice(_cellHhAt, 5 * H * 2 * H), _cache, dHidden,
                g.Slice(_cellIhAt, 5 * H * E), g.Slice(_cellHhAt, 5 * H * 2 * H), g.Slice(_cellBiasAt, 5 * H), dLeaves, scratch);
        }
        else
        {
            TreeRnnCell.Backward(s, H, p.Slice(_cellHhAt, H * 2 * H), _cache, dHidden, g.Slice(_cellHhAt, H * 2 * H), g.Slice(_cellBiasAt, H), dLeaves, scratch);
        }

        EmbeddingKernel.Backward(VocabularySize, E, s.Tokens[..leaves], dLeaves, g.Slice(_embeddingAt, VocabularySize * E));
    }

    /// <summary>
    /// Trains on <paramref name="trees"/> for <paramref name="epochs"/> epochs of shuffled mini-batches (the order drawn from
    /// <paramref name="seed"/>, a new one each epoch); returns the mean training loss of each epoch.
    /// </summary>
    public float[] Fit(IReadOnlyList<BinaryTree> trees, IReadOnlyList<int> labels, Optimizer optimizer, int epochs, int batchSize = 32, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(trees);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (trees.Count != labels.Count || trees.Count == 0)
        {
            throw new ArgumentException($"trees and labels: expected the same positive count, got {trees.Count} and {labels.Count}.", nameof(labels));
        }

        // every tree and label checked before the first update
        _schedule.Set(trees.ToArray(), VocabularySize);
        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)Classes)
            {
                throw new ArgumentException($"labels[{i}] = {labels[i]}; expected 0 … {Classes - 1}.", nameof(labels));
            }
        }

        var random = new DeterministicRandom(seed);
        int[] order = Enumerable.Range(0, trees.Count).ToArray();
        var batch = new BinaryTree[batchSize];
        var batchLabels = new int[batchSize];
        var losses = new float[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order.AsSpan());
            double total = 0;
            for (int start = 0; start < order.Length; start += batchSize)
            {
                int n = Math.Min(batchSize, order.Length - start);
                for (int i = 0; i < n; i++)
                {
                    batch[i] = trees[order[start + i]];
                    batchLabels[i] = labels[order[start + i]];
                }

                ZeroGradients();
                total += Forward(batch.AsSpan(0, n), batchLabels.AsSpan(0, n)) * n;
                Backward();
                optimizer.Update(_parameters, _gradients);
            }

            losses[epoch] = (float)(total / order.Length);
        }

        return losses;
    }

    /// <summary>The fraction of <paramref name="trees"/> whose most probable class is its label.</summary>
    public double Accuracy(IReadOnlyList<BinaryTree> trees, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(trees);
        ArgumentNullException.ThrowIfNull(labels);
        if (trees.Count != labels.Count || trees.Count == 0)
        {
            throw new ArgumentException($"trees and labels: expected the same positive count, got {trees.Count} and {labels.Count}.", nameof(labels));
        }

        var probabilities = new float[Classes * 256];
        int right = 0;
        for (int start = 0; start < trees.Count; start += 256)
        {
            int n = Math.Min(256, trees.Count - start);
            BinaryTree[] part = Enumerable.Range(start, n).Select(i => trees[i]).ToArray();
            Predict(part, probabilities.AsSpan(0, n * Classes));
            for (int i = 0; i < n; i++)
            {
                right += TensorPrimitives.IndexOfMax(probabilities.AsSpan(i * Classes, Classes)) == labels[start + i] ? 1 : 0;
            }
        }

        return (double)right / trees.Count;
    }

    /// <summary>Embeds the leaves, runs the cell over every level and the output layer on the roots (logits in <c>_logits</c>).</summary>
    private void Run(ReadOnlySpan<BinaryTree> trees)
    {
        TreeSchedule s = _schedule;
        s.Set(trees, VocabularySize);
        int H = HiddenSize, E = EmbeddingSize, N = s.NodeCount, leaves = s.LevelStart(1), n = s.TreeCount;
        int width = Cell == TreeCellKind.Lstm ? TreeLstmCell.Cache.Width : TreeRnnCell.Cache.Width;
        int hiddenAt = Cell == TreeCellKind.Lstm ? TreeLstmCell.Cache.Hidden : TreeRnnCell.Cache.Hidden;
        Grow(ref _leafInputs, leaves * E);
        Grow(ref _dLeafInputs, leaves * E);
        Grow(ref _cache, N * width * H);
        Grow(ref _dHidden, N * H);
        Grow(ref _roots, n * H);
        Grow(ref _logits, n * Classes);
        Grow(ref _scratch, n * H + (Cell == TreeCellKind.Lstm ? TreeLstmCell.ScratchLength(s, H) : TreeRnnCell.ScratchLength(s, H)));

        Span<float> p = _parameters;
        EmbeddingKernel.Forward(VocabularySize, E, s.Tokens[..leaves], p.Slice(_embeddingAt, VocabularySize * E), _leafInputs.AsSpan(0, leaves * E));
        if (Cell == TreeCellKind.Lstm)
        {
            TreeLstmCell.Forward(s, E, H, _leafInputs, p.Slice(_cellIhAt, 5 * H * E), p.Slice(_cellHhAt, 5 * H * 2 * H), p.Slice(_cellBiasAt, 5 * H), _cache);
        }
        else
        {
            TreeRnnCell.Forward(s, H, _leafInputs, p.Slice(_cellHhAt, H * 2 * H), p.Slice(_cellBiasAt, H), _cache);
        }

        for (int t = 0; t < n; t++)
        {
            _cache.AsSpan(s.Roots[t] * width * H + hiddenAt * H, H).CopyTo(_roots.AsSpan(t * H, H));
        }

        DenseKernel.Forward(n, H, Classes, Activation.Linear, _roots, H, p.Slice(_outputWeightAt, Classes * H), p.Slice(_outputBiasAt, Classes), _logits);
    }

    private static void Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"RecursiveNetwork: {name} must be at least 1, got {value}.");
        }
    }
}
