using Microsoft.CodeAnalysis;

namespace RnnGen.Generators;

/// <summary>Every diagnostic RnnGen reports. Each ID has a page in docs/diagnostics/.</summary>
public static class DiagnosticDescriptors
{
    private const string Category = "RnnGen";
    private const string HelpRoot = "https://github.com/rnngen/rnngen/blob/main/docs/diagnostics/";

    public const string ClassNotPartialId = "RNN0001";
    public const string MemberNotPartialPropertyId = "RNN0002";
    public const string WrongLayerTypeId = "RNN0003";
    public const string TwoLayerAttributesId = "RNN0004";
    public const string LayerOutsideModelId = "RNN0005";
    public const string NoLayersId = "RNN0006";
    public const string SizeOutOfRangeId = "RNN0007";
    public const string InputSizeMissingId = "RNN0008";
    public const string InputSizeTwiceId = "RNN0009";
    public const string EmbeddingNotFirstId = "RNN0010";
    public const string SequenceExpectedId = "RNN0011";
    public const string BidirectionalOnNonRecurrentId = "RNN0012";
    public const string InvalidRecurrentActivationId = "RNN0013";
    public const string CrossEntropyNeedsSoftmaxId = "RNN0014";
    public const string BinaryCrossEntropyNeedsSigmoidId = "RNN0015";
    public const string SoftmaxOverOneUnitId = "RNN0016";
    public const string RecurrentAfterDenseId = "RNN0017";
    public const string NameCollisionId = "RNN0018";
    public const string SoftmaxNotLastId = "RNN0019";
    public const string ArgumentSizeMismatchId = "RNN0020";
    public const string ModelTooLargeId = "RNN0021";
    public const string EncoderDecoderStructureId = "RNN0022";
    public const string DecoderStateMismatchId = "RNN0023";
    public const string AttentionSizeMismatchId = "RNN0024";
    public const string DecoderOutputMismatchId = "RNN0025";
    public const string ResidualMismatchId = "RNN0026";
    public const string InvalidDropoutId = "RNN0027";
    public const string InvalidOutputRecurrenceId = "RNN0028";
    public const string MemberClashId = "RNN0029";
    public const string UnsupportedModelClassId = "RNN0030";
    public const string UndefinedEnumValueId = "RNN0031";
    public const string InvalidConditionId = "RNN0032";
    public const string ConditionedLayerMismatchId = "RNN0033";
    public const string ConditionUnsupportedId = "RNN0034";
    public const string InvalidContextToEveryStepId = "RNN0035";
    public const string InvalidProjectionSizeId = "RNN0036";
    public const string ProjectionNotSupportedId = "RNN0037";
    public const string TreeLayerCountId = "RNN0040";
    public const string TreeNeedsEmbeddingId = "RNN0041";
    public const string NotInTreeModelId = "RNN0042";
    public const string TreeHeadNotDenseId = "RNN0043";
    public const string TreeRnnWidthId = "RNN0044";
    public const string InternalErrorId = "RNN9999";

    public static readonly DiagnosticDescriptor ClassNotPartial = Error(ClassNotPartialId,
        "RnnModel class must be partial",
        "The [RnnModel] class '{0}' must be declared 'partial' so that RnnGen can generate its code",
        "The generator adds the model's constructor, constants and methods to the class in another part of it; add the 'partial' modifier.");

    public static readonly DiagnosticDescriptor MemberNotPartialProperty = Error(MemberNotPartialPropertyId,
        "Layer member must be a partial property",
        "Layer '{0}' must be declared as 'public partial {1} {0} {{ get; }}'",
        "Each layer is a partial property with a getter only; the generator implements it.");

    public static readonly DiagnosticDescriptor WrongLayerType = Error(WrongLayerTypeId,
        "Layer member has the wrong type",
        "Layer '{0}' is declared with [{1}] and must have type '{2}', not '{3}'",
        "Embedding layers are EmbeddingLayer, SimpleRnn/Lstm/Gru layers are RecurrentLayer, Dense layers are DenseLayer.");

    public static readonly DiagnosticDescriptor TwoLayerAttributes = Error(TwoLayerAttributesId,
        "A member carries more than one layer attribute",
        "Member '{0}' has both [{1}] and [{2}]; declare one layer per member",
        "Each member is exactly one layer. Declare a second member for a second layer.");

    public static readonly DiagnosticDescriptor LayerOutsideModel = Error(LayerOutsideModelId,
        "Layer attribute outside an [RnnModel] class",
        "Member '{0}' has [{1}] but class '{2}' is not marked [RnnModel]; the layer would be ignored",
        "Layer attributes only mean something on members of a class marked [RnnModel].");

    public static readonly DiagnosticDescriptor NoLayers = Error(NoLayersId,
        "RnnModel class declares no layers",
        "The [RnnModel] class '{0}' declares no layer; add partial properties with [Embedding], [SimpleRnn], [Lstm], [Gru] or [Dense]",
        "A model needs at least one layer.");

    public static readonly DiagnosticDescriptor SizeOutOfRange = Error(SizeOutOfRangeId,
        "Size out of range",
        "{0} of '{1}' is {2}; it must be between 1 and {3}",
        "Sizes must be positive; sizes beyond the limit would need more memory than a .NET array holds.");

    public static readonly DiagnosticDescriptor InputSizeMissing = Error(InputSizeMissingId,
        "Input size missing",
        "Model '{0}' starts with '{1}' ({2}), which reads floats, but no InputSize is set; set [RnnModel(InputSize = …)] or start with an [Embedding] layer",
        "The width of the input is a compile-time constant: either the first layer is an Embedding (inputs are token ids) or the model declares InputSize.");

    public static readonly DiagnosticDescriptor InputSizeTwice = Error(InputSizeTwiceId,
        "Input size given twice",
        "Model '{0}' sets InputSize = {1} but its first layer '{2}' is an Embedding, which reads token ids; remove InputSize",
        "An embedding model reads one token id per step; InputSize applies only to models that read floats.");

    public static readonly DiagnosticDescriptor EmbeddingNotFirst = Error(EmbeddingNotFirstId,
        "Embedding must be the first layer",
        "Embedding '{0}' must be the first layer of the model, but it follows '{1}'",
        "An embedding maps token ids to vectors; only the model input is made of token ids.");

    public static readonly DiagnosticDescriptor SequenceExpected = Error(SequenceExpectedId,
        "Recurrent layer needs a sequence",
        "Layer '{0}' expects a sequence [batch, time, {1}] but '{2}' returns only its last step [batch, {1}]; set ReturnSequences = true on '{2}'",
        "A recurrent layer reads one input per time step; the layer before it must return its output at every step.");

    public static readonly DiagnosticDescriptor BidirectionalOnNonRecurrent = Error(BidirectionalOnNonRecurrentId,
        "Bidirectional on a non-recurrent layer",
        "[Bidirectional] on '{0}' has no meaning: '{0}' is a {1} layer, not a recurrent one",
        "Only SimpleRnn, Lstm and Gru layers run in time and can run in both directions.");

    public static readonly DiagnosticDescriptor InvalidRecurrentActivation = Error(InvalidRecurrentActivationId,
        "Unsupported SimpleRnn activation",
        "SimpleRnn '{0}' uses Activation.{1}; a recurrent activation must be Tanh, Relu or Sigmoid",
        "The Elman cell supports tanh (default), ReLU and sigmoid.");

    public static readonly DiagnosticDescriptor CrossEntropyNeedsSoftmax = Error(CrossEntropyNeedsSoftmaxId,
        "CrossEntropy needs a softmax output over at least 2 classes",
        "Loss.CrossEntropy needs the last layer to be [Dense(classes ≥ 2, Activation.Softmax)], but the last layer '{0}' is {1}",
        "Categorical cross-entropy compares a probability distribution over classes with the target class.");

    public static readonly DiagnosticDescriptor BinaryCrossEntropyNeedsSigmoid = Error(BinaryCrossEntropyNeedsSigmoidId,
        "BinaryCrossEntropy needs a sigmoid output",
        "Loss.BinaryCrossEntropy needs the last layer to be [Dense(n, Activation.Sigmoid)], but the last layer '{0}' is {1}",
        "Binary cross-entropy compares independent probabilities in (0, 1) with 0/1 targets.");

    public static readonly DiagnosticDescriptor SoftmaxOverOneUnit = Warning(SoftmaxOverOneUnitId,
        "Softmax over one unit",
        "Dense '{0}' applies softmax over 1 unit, which always outputs 1; use Activation.Sigmoid with Loss.BinaryCrossEntropy for a binary output",
        "A softmax normalises over the units of a row; over a single unit it is the constant 1 and nothing can be learned.");

    public static readonly DiagnosticDescriptor RecurrentAfterDense = Error(RecurrentAfterDenseId,
        "Recurrent layer after a Dense layer",
        "Recurrent layer '{0}' follows Dense layer '{1}'; Dense layers must come after the recurrent layers",
        "Dense layers apply per row of the last recurrent layer's output; a recurrent layer after them is not supported.");

    public static readonly DiagnosticDescriptor NameCollision = Error(NameCollisionId,
        "Layer name collides with a generated member",
        "Layer '{0}' has the name of a member RnnGen generates on the model; rename the layer",
        "The generator emits members such as Predict, Step, State, Summary, Parameters and Sizes on the model class.");

    public static readonly DiagnosticDescriptor SoftmaxNotLast = Error(SoftmaxNotLastId,
        "Softmax only on the last layer",
        "Dense '{0}' uses Activation.Softmax but is not the last layer; softmax is supported as the output activation only",
        "Softmax produces the output distribution; hidden layers use Linear, Tanh, Relu or Sigmoid.");

    public static readonly DiagnosticDescriptor ArgumentSizeMismatch = Error(ArgumentSizeMismatchId,
        "Argument size does not match the model",
        "{0}: '{1}' holds {2} values but {3} expects {4}",
        "When the length of a buffer passed to Predict or Step is a compile-time constant, RnnGen checks it against the model's sizes before the program runs.");

    public static readonly DiagnosticDescriptor ModelTooLarge = Error(ModelTooLargeId,
        "Model too large",
        "Layer '{0}' brings the parameters of '{1}' to {2} floats, more than the {3} that one .NET array holds; make the layer smaller",
        "All parameters live in one contiguous float array (and the gradients in another), so their count must fit a .NET array.");

    public static readonly DiagnosticDescriptor EncoderDecoderStructure = Error(EncoderDecoderStructureId,
        "Invalid encoder-decoder model",
        "Encoder-decoder model '{0}': {1}",
        "An encoder-decoder model declares, in this order: [Encoder] layers (an Embedding, then recurrent layers), [Decoder] layers (an Embedding, then unidirectional recurrent layers), an optional [Attention] layer and one output [Dense] layer.");

    public static readonly DiagnosticDescriptor DecoderStateMismatch = Error(DecoderStateMismatchId,
        "Decoder state does not match the encoder state",
        "Decoder layer '{0}' has {1} units but starts from the final state of encoder layer '{2}', which is {3} wide; make them equal",
        "Decoder layer k from the top starts from the final state of encoder layer k from the top (both directions merged for a bidirectional one), so the two widths must be equal.");

    public static readonly DiagnosticDescriptor AttentionSizeMismatch = Error(AttentionSizeMismatchId,
        "Attention sizes do not match",
        "Attention '{0}' with the Dot score compares the decoder state of '{1}' ({2} wide) with the outputs of '{3}' ({4} wide); make them equal or use AttentionScore.General",
        "The dot score q · h_j needs a query and keys of one width; the general score qᵀ W h_j and the additive score learn a projection instead.");

    public static readonly DiagnosticDescriptor DecoderOutputMismatch = Error(DecoderOutputMismatchId,
        "Decoder output does not match its input vocabulary",
        "Output '{0}' has {1} units but the decoder embedding '{2}' reads {3} token ids; the decoder feeds each output token back as its next input, so they must be equal",
        "At every step the decoder's previous output token (or, with teacher forcing, the true one) is the next step's input, so the output layer scores exactly the decoder embedding's vocabulary.");

    public static readonly DiagnosticDescriptor ResidualMismatch = Error(ResidualMismatchId,
        "Invalid residual connection",
        "Residual layer '{0}': {1}",
        "[Residual] makes a recurrent layer output h_t + x_t (He et al. 2016; Wu et al. 2016 between stacked LSTMs): its input and output must be sequences of one width.");

    public static readonly DiagnosticDescriptor InvalidDropout = Error(InvalidDropoutId,
        "Invalid dropout",
        "Dropout on '{0}': {1}",
        "[Dropout(rate, Input = …)] zeroes elements of a layer's output (or input) with the given probability during training; a rate is in [0, 1), the model's outputs and token ids are not dropped.");

    public static readonly DiagnosticDescriptor InvalidOutputRecurrence = Error(InvalidOutputRecurrenceId,
        "Output recurrence not possible",
        "Model '{0}' cannot use OutputRecurrence: {1}",
        "OutputRecurrence = true feeds the previous output y_(t−1) back with the input x_t; the model must read floats, output every step and have no bidirectional layer.");

    public static readonly DiagnosticDescriptor MemberClash = Error(MemberClashId,
        "Member clashes with a generated member",
        "'{0}' has the name of {1}; rename it",
        "The generator declares the model's API (Predict, Step, State, Summary, Loss, …), private fields and helpers, and members named after each layer on the model class; a member, an inherited member or the class itself with one of those names would break the generated code.");

    public static readonly DiagnosticDescriptor UnsupportedModelClass = Error(UnsupportedModelClassId,
        "Class cannot be a model",
        "'{0}' cannot be an [RnnModel] class: {1}",
        "A model is a plain, non-generic partial class whose other part RnnGen generates: not a record, static, file-local or generic class, without a primary constructor, not derived from another model, with [RnnModel] on one part, and whose own constructors call the generated one.");

    public static readonly DiagnosticDescriptor UndefinedEnumValue = Error(UndefinedEnumValueId,
        "Value is not defined by the enum",
        "{0} is {1}, which is not a value of RnnGen.{2} ({3})",
        "A cast integer such as (Activation)42 names no activation, loss, merge mode, attention score or initializer; use one of the enum's members.");

    public static readonly DiagnosticDescriptor InvalidCondition = Error(InvalidConditionId,
        "Condition size or mode out of range",
        "Layer '{0}' cannot be [Conditioned]: {1}",
        "[Conditioned(size, Mode = …)] conditions a recurrent layer on a vector of size floats per sequence (1 or more), taken as its initial state (ConditionMode.InitialState), in every step's input (ConditionMode.EveryStep) or both.");

    public static readonly DiagnosticDescriptor ConditionedLayerMismatch = Error(ConditionedLayerMismatchId,
        "Layer cannot be conditioned",
        "Layer '{0}' cannot be [Conditioned]: {1}",
        "A condition vector starts or feeds the first recurrent layer of a sequential model, which must run forwards only: a Dense, Embedding or Attention layer has no state to start, a bidirectional layer reads the future, and a later recurrent layer is reached through the first.");

    public static readonly DiagnosticDescriptor ConditionUnsupported = Error(ConditionUnsupportedId,
        "Conditioning not supported by this model kind",
        "Model '{0}' cannot condition layer '{1}': [Conditioned] is not supported in {2}",
        "[Conditioned] is for sequential models (one-to-many generation from a vector); an encoder-decoder model's decoder starts from its encoder, and a model with output recurrence feeds back its outputs instead.");

    public static readonly DiagnosticDescriptor InvalidContextToEveryStep = Error(InvalidContextToEveryStepId,
        "Context to every step not possible",
        "Model '{0}' cannot use ContextToEveryStep: {1}",
        "ContextToEveryStep = true feeds an encoder-decoder model's context C, the encoder's final state, to every decoder step (Cho et al. 2014); the model needs [Encoder] and [Decoder] layers and no attention layer, which feeds a context of its own.");
    public static readonly DiagnosticDescriptor InvalidProjectionSize = Error(InvalidProjectionSizeId,
        "Projection size out of range",
        "LSTM layer '{0}' has ProjectionSize = {1}, but a projection of its {2} units must have 1 to {3} units; remove ProjectionSize for no projection",
        "ProjectionSize = P (PyTorch's proj_size) projects each step's o ⊙ tanh(c) of H units to h = W_hr (o ⊙ tanh(c)) of P units; as in PyTorch, P must be positive and smaller than H.");

    public static readonly DiagnosticDescriptor ProjectionNotSupported = Error(ProjectionNotSupportedId,
        "Projection not supported here",
        "LSTM layer '{0}' has ProjectionSize = {1}, but {2}",
        "An LSTM with a projection runs in sequential models (stacked, bidirectional, streaming, with output recurrence); encoder-decoder models start each decoder layer from an encoder state of the layer's units and take no projection yet.");

    public static readonly DiagnosticDescriptor TreeLayerCount = Error(TreeLayerCountId,
        "More than one tree layer",
        "Tree layer '{0}' follows the tree layer '{1}'; a tree model has exactly one tree layer",
        "A tree layer turns a whole tree into its root's vector, so nothing tree-shaped is left for a second one to read; declare one [TreeLstm] or [TreeRnn] layer.");

    public static readonly DiagnosticDescriptor TreeNeedsEmbedding = Error(TreeNeedsEmbeddingId,
        "Tree layer must follow an [Embedding]",
        "Tree layer '{0}' must come right after an [Embedding] layer: {1}",
        "The leaves of a BinaryTree are token ids; the model's first layer, an [Embedding], turns them into the vectors the tree layer reads at its leaves.");

    public static readonly DiagnosticDescriptor NotInTreeModel = Error(NotInTreeModelId,
        "Not possible in a tree model",
        "'{0}' cannot be part of the tree model '{1}': {2}",
        "A tree model is an [Embedding], one tree layer and a [Dense] head: sequential recurrent layers, bidirectional layers, encoder-decoder parts, attention, dropout and output recurrence all read sequences, which a tree model does not have.");

    public static readonly DiagnosticDescriptor TreeHeadNotDense = Error(TreeHeadNotDenseId,
        "Tree model needs one [Dense] head",
        "The tree model '{0}' must end with one [Dense] layer right after its tree layer '{1}': {2}",
        "The head reads the root's vector of each tree and gives the model's output (a softmax over classes for cross-entropy); declare exactly one [Dense] layer after the tree layer, as the last layer.");

    public static readonly DiagnosticDescriptor TreeRnnWidth = Error(TreeRnnWidthId,
        "[TreeRnn] leaves are their embeddings",
        "[TreeRnn({0})] '{1}' uses each leaf's embedding as its vector, so the embedding '{2}' must have dimension {0}, not {3}",
        "Socher's recursive network combines children p = tanh(W [h_l; h_r] + b) and takes a leaf's vector to be its input; the embedding dimension must equal the tree layer's units. [TreeLstm] reads leaves through its own input weights and has no such rule.");

    public static readonly DiagnosticDescriptor InternalError = Error(InternalErrorId,
        "RnnGen failed to generate the model",
        "RnnGen could not generate code for '{0}': {1}",
        "An unexpected error occurred in the generator. Please report it with the declaration that caused it.");

    private static DiagnosticDescriptor Error(string id, string title, string message, string description)
        => new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpRoot + id + ".md");

    private static DiagnosticDescriptor Warning(string id, string title, string message, string description)
        => new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description, HelpRoot + id + ".md");
}
