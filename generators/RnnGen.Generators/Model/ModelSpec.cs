namespace RnnGen.Generators.Model;

/// <summary>Layer kinds of the DSL (mirror of the attributes).</summary>
internal enum LayerKind
{
    Embedding,
    SimpleRnn,
    Lstm,
    Gru,
    Dense,
    Attention,
    TreeLstm,
    TreeRnn,
}

/// <summary>Which part of an encoder-decoder model a layer belongs to (<c>[Encoder]</c>, <c>[Decoder]</c>); None in a sequential model.</summary>
internal enum LayerGroup
{
    None,
    Encoder,
    Decoder,
}

/// <summary>Mirror of <c>RnnGen.AttentionScore</c>.</summary>
internal enum ScoreKind
{
    Additive,
    Dot,
    General,
}

/// <summary>Mirror of <c>RnnGen.Activation</c> (same values).</summary>
internal enum ActivationKind
{
    Linear,
    Tanh,
    Relu,
    Sigmoid,
    Softmax,
}

/// <summary>Mirror of <c>RnnGen.Loss</c>.</summary>
internal enum LossKind
{
    None,
    MeanSquaredError,
    BinaryCrossEntropy,
    CrossEntropy,
}

/// <summary>Mirror of <c>RnnGen.Initializer</c>.</summary>
internal enum InitializerKind
{
    Keras,
    PyTorch,
}

/// <summary>Mirror of <c>RnnGen.MergeMode</c>.</summary>
internal enum MergeKind
{
    Concat,
    Sum,
    Average,
    Multiply,
}

/// <summary>One layer member, as declared. Strings, ints, bools and enums only, so the pipeline caches.</summary>
internal sealed record LayerSpec(
    string Name,
    string Accessibility,
    string TypeName,
    LayerKind Kind,
    int Units,
    int VocabularySize,
    ActivationKind Activation,
    bool ReturnSequences,
    bool Peepholes,
    bool ResetAfter,
    bool Bidirectional,
    MergeKind Merge,
    LayerGroup Group = LayerGroup.None,
    ScoreKind Score = ScoreKind.Additive,
    bool Residual = false,
    double Dropout = 0,
    double InputDropout = 0,
    bool Trainable = true,
    int ConditionSize = 0,
    int ConditionMode = 0,
    int Projection = 0)
{
    /// <summary>Whether a [Conditioned] attribute is on this layer.</summary>
    public bool IsConditioned => ConditionSize != 0 || ConditionMode != 0;

    /// <summary>Mirror of <c>RnnGen.ConditionMode</c>: h_0 from the condition.</summary>
    public bool ConditionsInitialState => (ConditionMode & 1) != 0;

    /// <summary>Mirror of <c>RnnGen.ConditionMode</c>: the condition in every step's input.</summary>
    public bool ConditionsEveryStep => (ConditionMode & 2) != 0;

    public bool IsRecurrent => Kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru;

    /// <summary>A recursive layer over binary trees ([TreeLstm], [TreeRnn]).</summary>
    public bool IsTree => Kind is LayerKind.TreeLstm or LayerKind.TreeRnn;

    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Gate blocks G: 1 SimpleRnn, 4 LSTM, 3 GRU.</summary>
    public int Gates => Kind switch { LayerKind.Lstm => 4, LayerKind.Gru => 3, _ => 1 };

    /// <summary>Floats of h of a recurrent layer (its output per direction, its recurrent input, its state): an LSTM's projection size P, or the units.</summary>
    public int HiddenWidth => Kind == LayerKind.Lstm && Projection > 0 ? Projection : Units;

    /// <summary>Width of one output row of this layer.</summary>
    public int OutputWidth => Kind switch
    {
        LayerKind.Embedding => Units,
        LayerKind.Dense => Units,
        _ => Bidirectional && Merge == MergeKind.Concat ? 2 * HiddenWidth : HiddenWidth,
    };
}

/// <summary>
/// A partial property with a layer attribute that was rejected (wrong type, two layer attributes, a reserved name): an
/// invalid model still gives it a throwing implementation so that the RNN diagnostic is the only error.
/// </summary>
internal sealed record RejectedMember(string Name, string Accessibility, string Type);

/// <summary>A whole <c>[RnnModel]</c> class: where it lives and its layers in declaration order.</summary>
internal sealed record ModelSpec(
    string Namespace,
    string ClassName,
    string Accessibility,
    EquatableArray<string> ContainingTypes,
    int InputSize,
    LossKind Loss,
    int Initializer,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<RejectedMember> Rejected = default,
    int StartToken = 1,
    int EndToken = 2,
    bool OutputRecurrence = false,
    bool Nested = false,
    bool ContextToEveryStep = false)
{
    /// <summary>A tree model: some layer is a tree layer.</summary>
    public bool IsTree
    {
        get
        {
            foreach (LayerSpec layer in Layers)
            {
                if (layer.IsTree)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>An encoder-decoder model: some layer is in a group, or is an attention layer.</summary>
    public bool IsEncoderDecoder
    {
        get
        {
            foreach (LayerSpec layer in Layers)
            {
                if (layer.Group != LayerGroup.None || layer.Kind == LayerKind.Attention)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
