using System.ComponentModel;
using System.Globalization;
using System.Text;
using RnnGen.Initialization;
using RnnGen.IO;

namespace RnnGen.Generated;

/// <summary>
/// One layer of a generated model as the runtime sees it: its PyTorch tensors in the parameter buffer, how they are
/// initialised, its public view (<see cref="Layer"/>) and its row of the summary. Made from the layer's shape type.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ModelLayer
{
    private readonly List<(string Name, int[] Shape, int Offset)> _tensors = new();
    private readonly Func<IReadOnlyList<NamedTensor>, IReadOnlyList<NamedTensor>, Layer> _view;
    private Action<Initializer, Span<float>, DeterministicRandom> _initialize;

    private ModelLayer(string name, int offset, string type, bool sequence, int width,
        Func<IReadOnlyList<NamedTensor>, IReadOnlyList<NamedTensor>, Layer> view, Action<Initializer, Span<float>, DeterministicRandom> initialize)
    {
        Name = name;
        Offset = offset;
        SummaryType = type;
        OutputShape = sequence ? $"(None, None, {width})" : $"(None, {width})";
        _view = view;
        _initialize = initialize;
    }

    /// <summary>The member name.</summary>
    public string Name { get; }

    /// <summary>Where the layer's parameters start.</summary>
    public int Offset { get; }

    /// <summary>Floats of the layer's parameters.</summary>
    public int ParameterCount => _tensors.Sum(t => Length(t.Shape));

    /// <summary>False for a frozen layer, whose parameters no gradient reaches.</summary>
    public bool Trainable { get; private init; } = true;

    internal string SummaryType { get; }

    internal string OutputShape { get; }

    /// <summary>An embedding layer.</summary>
    public static ModelLayer Embedding<TShape>(string name) where TShape : IEmbeddingShape
    {
        int v = TShape.VocabularySize, d = TShape.Dimension, o = TShape.ParameterOffset;
        bool trainable = TShape.Trainable;
        var layer = new ModelLayer(name, o, "Embedding", true, d,
            (p, g) => new EmbeddingLayer(name, v, d, p, g) { Trainable = trainable },
            (init, p, rng) => ModelInitialization.Embedding(init, p.Slice(o, v * d), rng)) { Trainable = trainable };
        layer._tensors.Add((name + ".weight", new[] { v, d }, o));
        return layer;
    }

    /// <summary>A dense layer.</summary>
    public static ModelLayer Dense<TShape>(string name) where TShape : IDenseShape
    {
        int i = TShape.InputSize, u = TShape.Units, o = TShape.ParameterOffset;
        Activation activation = TShape.Activation;
        var layer = new ModelLayer(name, o, "Dense", TShape.Sequence, u,
            (p, g) => new DenseLayer(name, i, u, activation, p, g),
            (init, p, rng) => ModelInitialization.Dense(init, p.Slice(o, u * i), p.Slice(o + u * i, u), i, u, rng));
        layer._tensors.Add((name + ".weight", new[] { u, i }, o));
        layer._tensors.Add((name + ".bias", new[] { u }, o + u * i));
        return layer;
    }

    /// <summary>An attention layer of an encoder-decoder model (PyTorch names: query, key and energy for the additive score, weight for the general one).</summary>
    public static ModelLayer Attention<TShape>(string name) where TShape : IAttentionShape
    {
        AttentionScore score = TShape.Score;
        int q = TShape.QuerySize, v = TShape.ValueSize, u = TShape.Units, o = TShape.ParameterOffset;
        var layer = new ModelLayer(name, o, score + "Attention", true, v,
            (p, g) => new AttentionLayer(name, score, q, v, u, p, g),
            (init, p, rng) => { });
        if (score == AttentionScore.Additive)
        {
            layer._tensors.Add((name + ".query.weight", new[] { u, q }, o));
            layer._tensors.Add((name + ".key.weight", new[] { u, v }, o + u * q));
            layer._tensors.Add((name + ".energy.weight", new[] { 1, u }, o + u * q + u * v));
        }
        else if (score == AttentionScore.General)
        {
            layer._tensors.Add((name + ".weight", new[] { q, v }, o));
        }

        List<(string Name, int[] Shape, int Offset)> tensors = layer._tensors;
        layer._initialize = (init, p, rng) =>
        {
            foreach ((string _, int[] shape, int offset) in tensors)
            {
                ModelInitialization.Matrix(init, p.Slice(offset, shape[0] * shape[1]), shape[1], shape[0], rng);
            }
        };
        return layer;
    }

    /// <summary>A recurrent layer, both directions when bidirectional; a <paramref name="decoder"/> layer outputs a sequence (one step at a time).</summary>
    public static ModelLayer Recurrent<TShape>(string name, bool decoder = false) where TShape : IRecurrentLayerShape
    {
        CellKind cell = TShape.Cell;
        int i = TShape.InputSize, h = TShape.Units, directions = TShape.Bidirectional ? 2 : 1;
        int projection = TShape.Cell == CellKind.Lstm ? TShape.ProjectionSize : 0, hidden = projection > 0 ? projection : h;
        bool bidirectional = TShape.Bidirectional, sequences = TShape.ReturnSequences;
        MergeMode merge = TShape.Merge;
        string kind = cell switch { CellKind.Lstm => "LSTM", CellKind.Gru => "GRU", _ => "SimpleRNN" };
        var tensors = new RecurrentTensors[directions];
        for (int d = 0; d < directions; d++)
        {
            tensors[d] = RecurrentTensors.Of<TShape>(d);
        }

        ConditionTensors condition = ConditionTensors.Of<TShape>();
        var layer = new ModelLayer(name, TShape.ParameterOffset, bidirectional ? $"Bidirectional({kind})" : kind, sequences || decoder, LayerOps.RecurrentWidth<TShape>(),
            (p, g) => new RecurrentLayer(name, cell, i, h, bidirectional, merge, sequences, p, g, projection) { Activation = TShape.Activation, Residual = TShape.Residual, ConditionSize = TShape.ConditionSize },
            (init, p, rng) =>
            {
                foreach (RecurrentTensors t in tensors)
                {
                    ModelInitialization.Recurrent(init, cell, i, h, p.Slice(t.Input, t.InputLength), p.Slice(t.Recurrent, t.RecurrentLength), p.Slice(t.Bias, t.BiasLength),
                        t.RecurrentBias < 0 ? default : p.Slice(t.RecurrentBias, t.BiasLength), t.Peepholes < 0 ? default : p.Slice(t.Peepholes, t.PeepholeLength), rng,
                        t.Projection < 0 ? default : p.Slice(t.Projection, t.ProjectionLength));
                }

                // the condition's weights as a Dense layer's (W_c, b_c) and as more input columns (W_f)
                if (condition.InitialWeight >= 0)
                {
                    ModelInitialization.Dense(init, p.Slice(condition.InitialWeight, condition.InitialWeightLength), p.Slice(condition.InitialBias, h), condition.Size, h, rng);
                }

                if (condition.StepWeight >= 0)
                {
                    ModelInitialization.Matrix(init, p.Slice(condition.StepWeight, condition.StepWeightLength), condition.Size, condition.GateWidth, rng);
                }
            });
        for (int d = 0; d < directions; d++)
        {
            RecurrentTensors t = tensors[d];
            string suffix = d == 1 ? "_l0_reverse" : "_l0";
            int gh = t.BiasLength;
            layer._tensors.Add((name + ".weight_ih" + suffix, new[] { gh, i }, t.Input));
            layer._tensors.Add((name + ".weight_hh" + suffix, new[] { gh, hidden }, t.Recurrent));
            layer._tensors.Add((name + ".bias_ih" + suffix, new[] { gh }, t.Bias));
            if (t.RecurrentBias >= 0)
            {
                layer._tensors.Add((name + ".bias_hh" + suffix, new[] { gh }, t.RecurrentBias));
            }
            else
            {
                // PyTorch has two biases where this layer has one: on load bias_hh is added to bias_ih; on save it is written as zeros.
                layer.Folded.Add(new FoldedTensor(name + ".bias_ih" + suffix, name + ".bias_hh" + suffix));
            }

            if (t.Peepholes >= 0)
            {
                layer._tensors.Add((name + ".weight_peephole" + suffix, new[] { 3, h }, t.Peepholes));
            }

            if (t.Projection >= 0)
            {
                layer._tensors.Add((name + ".weight_hr" + suffix, new[] { projection, h }, t.Projection));
            }
        }

        if (condition.InitialWeight >= 0)
        {
            layer._tensors.Add((name + ".init_state.weight", new[] { h, condition.Size }, condition.InitialWeight));
            layer._tensors.Add((name + ".init_state.bias", new[] { h }, condition.InitialBias));
        }

        if (condition.StepWeight >= 0)
        {
            layer._tensors.Add((name + ".weight_ic_l0", new[] { condition.GateWidth, condition.Size }, condition.StepWeight));
        }

        return layer;
    }

    /// <summary>A tree layer: Tree-LSTM (<c>weight_ih</c>, <c>weight_hh</c>, <c>bias</c>, gate blocks i, f_l, f_r, o, u) or tanh composition (<c>weight_hh</c>, <c>bias</c>).</summary>
    public static ModelLayer Tree<TShape>(string name) where TShape : ITreeLayerShape
    {
        Trees.TreeCellKind cell = TShape.Cell;
        int i = TShape.InputSize, h = TShape.Units, o = TShape.ParameterOffset;
        int gates = cell == Trees.TreeCellKind.Lstm ? Trees.TreeLstmCell.GateCount * h : h;
        int ih = cell == Trees.TreeCellKind.Lstm ? gates * i : 0;
        var layer = new ModelLayer(name, o, cell == Trees.TreeCellKind.Lstm ? "TreeLSTM" : "TreeRNN", false, h,
            (p, g) => new TreeLayer(name, cell, i, h, p, g),
            (init, p, rng) => ModelInitialization.Tree(init, cell, i, h, p.Slice(o, ih), p.Slice(o + ih, gates * 2 * h), p.Slice(o + ih + gates * 2 * h, gates), rng));
        if (ih > 0)
        {
            layer._tensors.Add((name + ".weight_ih", new[] { gates, i }, o));
        }

        layer._tensors.Add((name + ".weight_hh", new[] { gates, 2 * h }, o + ih));
        layer._tensors.Add((name + ".bias", new[] { gates }, o + ih + gates * 2 * h));
        return layer;
    }

    internal List<FoldedTensor> Folded { get; } = new();

    internal IEnumerable<NamedTensor> Views(float[] buffer)
        => _tensors.Select(t => new NamedTensor(t.Name, t.Shape, new Memory<float>(buffer, t.Offset, Length(t.Shape))));

    internal int End => _tensors.Count == 0 ? Offset : _tensors.Max(t => t.Offset + Length(t.Shape));

    internal Layer CreateView(IReadOnlyList<NamedTensor> parameters, IReadOnlyList<NamedTensor> gradients) => _view(parameters, gradients);

    internal void Initialize(Initializer initializer, Span<float> parameters, DeterministicRandom random) => _initialize(initializer, parameters, random);

    private static int Length(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>The Keras-style summary table of <paramref name="layers"/>.</summary>
    internal static string Summary(string model, IReadOnlyList<ModelLayer> layers)
    {
        const int c1 = 34, c2 = 22, c3 = 12;
        string rule = new('_', c1 + c2 + c3);
        int total = layers.Sum(l => l.ParameterCount);
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(model).Append("\"\n").Append(rule).Append('\n');
        sb.Append(Pad(" Layer (type)", c1)).Append(Pad("Output Shape", c2)).Append("Param #".PadLeft(c3)).Append('\n');
        sb.Append('=', rule.Length).Append('\n');
        foreach (ModelLayer layer in layers)
        {
            sb.Append(Pad(" " + layer.Name + " (" + layer.SummaryType + ")", c1)).Append(Pad(layer.OutputShape, c2)).Append(Thousands(layer.ParameterCount).PadLeft(c3)).Append('\n');
        }

        sb.Append('=', rule.Length).Append('\n');
        sb.Append("Total params: ").Append(Thousands(total)).Append('\n');
        int frozen = layers.Where(l => !l.Trainable).Sum(l => l.ParameterCount);
        sb.Append("Trainable params: ").Append(Thousands(total - frozen)).Append('\n');
        sb.Append("Non-trainable params: ").Append(Thousands(frozen)).Append('\n').Append(rule).Append('\n');
        return sb.ToString();
    }

    private static string Pad(string s, int width) => s.Length >= width ? s + " " : s.PadRight(width);

    private static string Thousands(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
