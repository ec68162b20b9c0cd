using Microsoft.CodeAnalysis;

namespace RnnGen.Generators.Tests.Robustness;

/// <summary>
/// Declarations a new user might write, each in a namespace of its own and compiled together: what the generator cannot
/// support gets its RNN diagnostic in the user's file; everything else compiles and predicts like the same model declared plainly.
/// </summary>
public sealed class HostileDeclarationTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public HostileDeclarationTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    private const string Attr = "[RnnModel(InputSize = 3)]";
    private const string Layers = "[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }";
    private const string Seq2Seq = "[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; }";

    private const string Seq2SeqAttribute = "[RnnModel(Loss = Loss.CrossEntropy, StartToken = 1, EndToken = 2)]";
    private const string Seq2SeqTail = "[Attention(AttentionScore.Additive, 5)] public partial AttentionLayer Attend { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }";

    /// <summary>An encoder-decoder declaration that must compile and score and decode like <c>[RnnModel] class M { plainLayers }</c>.</summary>
    private static Declaration GoodSeq2Seq(string name, string body, string plainLayers, string? type = null)
        => new(name, $"using RnnGen;\nnamespace Hostile.{name};\n{body}\n", type ?? $"global::Hostile.{name}.M",
            $"using RnnGen;\nnamespace Plain.{name};\n{Seq2SeqAttribute}\npublic partial class M {{ {plainLayers} }}\n", EncoderDecoder: true);

    /// <summary>An encoder-decoder model M with the given layers, its usual attention and output layer, and <paramref name="extra"/> members.</summary>
    private static string Seq2SeqModel(string layers, string extra = "", string header = "public partial class M")
        => $"{Seq2SeqAttribute} {header} {{ {Seq2SeqMembers(layers, extra)} }}";

    /// <summary>The members of such a model.</summary>
    private static string Seq2SeqMembers(string layers, string extra = "") => $"{layers} {Seq2SeqTail} {extra}";

    /// <summary>A declaration that must be diagnosed with <paramref name="id"/> in its own file.</summary>
    private static Declaration Bad(string name, string id, string body) => new(name, $"using RnnGen;\nnamespace Hostile.{name};\n{body}\n", ExpectedId: id);

    private static Declaration BadModel(string name, string id, string members, string attribute = Attr, string header = "public partial class M")
        => Bad(name, id, $"{attribute}\n{header}\n{{\n{members}\n}}");

    /// <summary>A declaration that must compile and match the plain model <c>attribute class M { plainLayers }</c>.</summary>
    private static Declaration Good(string name, string body, string plainLayers = Layers, string attribute = Attr, string? type = null, bool tokens = false)
        => new(name, $"using RnnGen;\nnamespace Hostile.{name};\n{body}\n", type ?? $"global::Hostile.{name}.M",
            $"using RnnGen;\nnamespace Plain.{name};\n{attribute}\npublic partial class M {{ {plainLayers} }}\n", tokens);

    public static IReadOnlyList<Declaration> All() => new[]
    {
        // generator crashes: [RnnModel] on two parts, M beside M<T>, a verbatim namespace, a member named Loss, names equal but for case
        BadModel("TwoParts", "RNN0030", Layers + "\n}\n[RnnModel(InputSize = 3)]\npublic partial class M\n{"),
        Bad("GenericBeside", "RNN0030", $"{Attr} public partial class M {{ {Layers} }}\n{Attr} public partial class M<T> {{ {Layers} }}"),
        new("VerbatimNamespace", $"using RnnGen;\nnamespace @namespace.@class;\n{Attr} public partial class M {{ {Layers} }}\n", "global::@namespace.@class.M",
            $"using RnnGen;\nnamespace Plain.VerbatimNamespace;\n{Attr}\npublic partial class M {{ {Layers} }}\n"),
        BadModel("MemberLoss", "RNN0029", Layers + " public int Loss => 3;", "[RnnModel(InputSize = 3, Loss = Loss.MeanSquaredError)]"),
        BadModel("MemberLossNoAttribute", "RNN0029", Layers + " public int Loss => 3;"),
        Good("CaseOnly", $"{Attr} public partial class M {{ {Layers} }}\n{Attr} public partial class m {{ {Layers} }}"),
        Good("GenericAndPlainOuter", $"public partial class Outer<T> {{ {Attr} public partial class M {{ {Layers} }} }}\npublic partial class Outer {{ {Attr} public partial class M {{ {Layers} }} }}", type: "global::Hostile.GenericAndPlainOuter.Outer<int>.M"),

        // tree models: shape rules, a member named as a tree model's generated Fit, a tree layer typed as a recurrent one
        BadModel("TreeTwice", "RNN0040", "[Embedding(9, 4)] public partial EmbeddingLayer E { get; } [TreeLstm(4)] public partial TreeLayer A { get; } [TreeRnn(4)] public partial TreeLayer B { get; } [Dense(2)] public partial DenseLayer Out { get; }", "[RnnModel]"),
        BadModel("TreeFirst", "RNN0041", "[TreeLstm(4)] public partial TreeLayer T { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
        BadModel("TreeInSeq2Seq", "RNN0042", Seq2Seq + " [TreeLstm(4)] public partial TreeLayer T { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2SeqAttribute),
        BadModel("TreeHeadless", "RNN0043", "[Embedding(9, 4)] public partial EmbeddingLayer E { get; } [TreeLstm(4)] public partial TreeLayer T { get; }", "[RnnModel]"),
        BadModel("TreeRnnNarrow", "RNN0044", "[Embedding(9, 3)] public partial EmbeddingLayer E { get; } [TreeRnn(4)] public partial TreeLayer T { get; } [Dense(2)] public partial DenseLayer Out { get; }", "[RnnModel]"),
        BadModel("TreeMemberFit", "RNN0029", "[Embedding(9, 4)] public partial EmbeddingLayer E { get; } [TreeLstm(4)] public partial TreeLayer T { get; } [Dense(2, Activation.Softmax)] public partial DenseLayer Out { get; } public void Fit() { }", "[RnnModel(Loss = Loss.CrossEntropy)]"),
        BadModel("TreeTypedRecurrent", "RNN0003", "[Embedding(9, 4)] public partial EmbeddingLayer E { get; } [TreeLstm(4)] public partial RecurrentLayer T { get; } [Dense(2)] public partial DenseLayer Out { get; }", "[RnnModel]"),
        BadModel("TreeHeadActivation42", "RNN0031", "[Embedding(9, 4)] public partial EmbeddingLayer E { get; } [TreeLstm(4)] public partial TreeLayer T { get; } [Dense(2, (Activation)42)] public partial DenseLayer Out { get; }", "[RnnModel]"),

        // out-of-range enum values
        BadModel("DenseActivation42", "RNN0031", "[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2, (Activation)42)] public partial DenseLayer Out { get; }"),
        BadModel("RnnActivation42", "RNN0031", "[SimpleRnn(4, (Activation)42)] public partial RecurrentLayer Rnn { get; }"),
        BadModel("NegativeActivation", "RNN0031", "[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2, (Activation)(-1))] public partial DenseLayer Out { get; }"),
        BadModel("Loss9", "RNN0031", Layers, "[RnnModel(InputSize = 3, Loss = (Loss)9)]"),
        BadModel("Merge7", "RNN0031", "[Bidirectional(Merge = (MergeMode)7), Lstm(4)] public partial RecurrentLayer Rnn { get; }"),
        BadModel("Score5", "RNN0031", Seq2Seq + " [Attention((AttentionScore)5)] public partial AttentionLayer Attend { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", "[RnnModel(Loss = Loss.CrossEntropy)]"),
        BadModel("Initializer7", "RNN0031", Layers, "[RnnModel(InputSize = 3, Initializer = (Initializer)7)]"),

        // layer names equal to generated members, or to the members generated for another layer
        BadModel("LayerInitializeParameters", "RNN0018", "[Lstm(4)] public partial RecurrentLayer InitializeParameters { get; }"),
        BadModel("LayerNetwork", "RNN0018", "[Lstm(4)] public partial RecurrentLayer Network { get; }"),
        BadModel("LayerCore", "RNN0018", "[Lstm(4)] public partial RecurrentLayer _core { get; }"),
        BadModel("LayerGenerate", "RNN0018", "[Lstm(4)] public partial RecurrentLayer Generate { get; }"),
        Good("LayerParametersField", $"{Attr} public partial class M {{ [Lstm(4)] public partial RecurrentLayer _parameters {{ get; }} }}", "[Lstm(4)] public partial RecurrentLayer Rnn { get; }"), // private plumbing now lives in the runtime core
        Good("LayerWorkspace", $"{Attr} public partial class M {{ [Lstm(4)] public partial RecurrentLayer _workspace {{ get; }} }}", "[Lstm(4)] public partial RecurrentLayer Rnn { get; }"), // private plumbing now lives in the runtime core
        Good("LayerCreateViews", $"{Attr} public partial class M {{ [Lstm(4)] public partial RecurrentLayer CreateViews {{ get; }} }}", "[Lstm(4)] public partial RecurrentLayer Rnn { get; }"), // private plumbing now lives in the runtime core
        Good("LayerRun", $"{Attr} public partial class M {{ [Lstm(4)] public partial RecurrentLayer Run {{ get; }} }}", "[Lstm(4)] public partial RecurrentLayer Rnn { get; }"), // private plumbing now lives in the runtime core
        Good("LayerSummaryText", $"{Attr} public partial class M {{ [Lstm(4)] public partial RecurrentLayer SummaryText {{ get; }} }}", "[Lstm(4)] public partial RecurrentLayer Rnn { get; }"), // private plumbing now lives in the runtime core
        BadModel("LayerPredict", "RNN0018", "[Lstm(4)] public partial RecurrentLayer Predict { get; }"),
        Good("LayerGeneratedBuffer", "[RnnModel] public partial class M { [Embedding(9, 4)] public partial EmbeddingLayer E { get; } [Lstm(4, ReturnSequences = true)] public partial RecurrentLayer _generated { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; } }",
            "[Embedding(9, 4)] public partial EmbeddingLayer E { get; } [Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", "[RnnModel]", tokens: true),
        BadModel("LayerDiscard", "RNN0018", "[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer _ { get; }"),
        BadModel("LayerSizes", "RNN0018", "[Lstm(4)] public partial RecurrentLayer Sizes { get; }"),
        BadModel("LBesideLShape", "RNN0018", "[Lstm(4, ReturnSequences = true)] public partial RecurrentLayer L { get; } [Lstm(4)] public partial RecurrentLayer LShape { get; }"),
        Good("LWeightsBesideL", $"{Attr} public partial class M {{ [Lstm(4, ReturnSequences = true)] public partial RecurrentLayer LWeights {{ get; }} [Lstm(4)] public partial RecurrentLayer L {{ get; }} }}",
            "[Lstm(4, ReturnSequences = true)] public partial RecurrentLayer A { get; } [Lstm(4)] public partial RecurrentLayer B { get; }"), // only LShape is generated per layer now
        Good("LayerNamedGradients", $"{Attr} public partial class M {{ [Lstm(4)] public partial RecurrentLayer Named {{ get; }} }}", "[Lstm(4)] public partial RecurrentLayer Rnn { get; }"), // no 'NamedGradients' is made from it now
        GoodSeq2Seq("DecoderLayerInSeq2Seq", $"{Seq2SeqAttribute} public partial class M {{ [Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters {{ get; }} [Encoder, Lstm(4)] public partial RecurrentLayer Reader {{ get; }} [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds {{ get; }} [Decoder, Lstm(4)] public partial RecurrentLayer Decoder {{ get; }} [Dense(9, Activation.Softmax)] public partial DenseLayer Out {{ get; }} }}", "[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(4)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }"), // no attention; the decoder's plumbing lives in the runtime core now
        Good("DecoderLayerInSequential", $"{Attr} public partial class M {{ [Lstm(4)] public partial RecurrentLayer Decoder {{ get; }} [Dense(2)] public partial DenseLayer Out {{ get; }} }}"),
        BadModel("LayerNamedAsClass", "RNN0029", "[Lstm(4)] public partial RecurrentLayer M { get; }"),

        // verbatim and unusual identifiers
        Good("LayerClass", $"{Attr} public partial class M {{ [Lstm(4)] public partial RecurrentLayer @class {{ get; }} [Dense(2)] public partial DenseLayer @int {{ get; }} }}"),
        Good("BidirectionalEvent", $"{Attr} public partial class M {{ [Bidirectional, Gru(4)] public partial RecurrentLayer @event {{ get; }} [Dense(2)] public partial DenseLayer Out {{ get; }} }}", "[Bidirectional, Gru(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
        Good("ClassKeyword", $"{Attr} public partial class @class {{ {Layers} }}", type: "global::Hostile.ClassKeyword.@class"),
        Good("OutputRecurrenceKeyword", "[RnnModel(InputSize = 2, OutputRecurrence = true)] public partial class M { [Lstm(3, ReturnSequences = true)] public partial RecurrentLayer @for { get; } [Dense(1)] public partial DenseLayer @if { get; } }",
            "[Lstm(3, ReturnSequences = true)] public partial RecurrentLayer Memory { get; } [Dense(1)] public partial DenseLayer Next { get; }", "[RnnModel(InputSize = 2, OutputRecurrence = true)]"),
        Good("ContextualKeywords", $"{Attr} public partial class M {{ [Lstm(4)] public partial RecurrentLayer var {{ get; }} [Dense(2)] public partial DenseLayer value {{ get; }} }}"),
        Good("Unicode", $"{Attr} public partial class Модель {{ [Lstm(4)] public partial RecurrentLayer Слой {{ get; }} [Dense(2)] public partial DenseLayer Выход {{ get; }} }}", type: "global::Hostile.Unicode.Модель"),
        Good("CaseOnlyLayers", $"{Attr} public partial class M {{ [Lstm(4, ReturnSequences = true)] public partial RecurrentLayer rnn {{ get; }} [Lstm(4)] public partial RecurrentLayer Rnn {{ get; }} [Dense(2)] public partial DenseLayer Out {{ get; }} }}",
            "[Lstm(4, ReturnSequences = true)] public partial RecurrentLayer A { get; } [Lstm(4)] public partial RecurrentLayer B { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
        Good("Underscores", $"{Attr} public partial class M {{ [Lstm(4, ReturnSequences = true)] public partial RecurrentLayer A_Out {{ get; }} [Lstm(4)] public partial RecurrentLayer A {{ get; }} [Dense(2)] public partial DenseLayer A_ {{ get; }} }}",
            "[Lstm(4, ReturnSequences = true)] public partial RecurrentLayer A { get; } [Lstm(4)] public partial RecurrentLayer B { get; } [Dense(2)] public partial DenseLayer Out { get; }"),

        // encoder-decoder models have no Predict: these are compiled, not run
        new("Seq2SeqKeywords", "using RnnGen;\nnamespace Hostile.Seq2SeqKeywords;\n[RnnModel(Loss = Loss.CrossEntropy)] public partial class @class { [Encoder, Embedding(11, 3)] public partial EmbeddingLayer @in { get; } [Encoder, Bidirectional, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer @for { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer @out { get; } [Decoder, Gru(8)] public partial RecurrentLayer @while { get; } [Attention(AttentionScore.General)] public partial AttentionLayer @base { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer @return { get; } }\n"),
        new("Seq2SeqInGeneric", $"using RnnGen;\nnamespace Hostile.Seq2SeqInGeneric;\npublic partial class Outer<T> {{ [RnnModel(Loss = Loss.CrossEntropy)] public partial class M {{ {Seq2Seq} [Attention(AttentionScore.Dot)] public partial AttentionLayer Attend {{ get; }} [Dense(9, Activation.Softmax)] public partial DenseLayer Out {{ get; }} }} }}\n"),

        // encoder-decoder models: names of the plumbing that moved into the runtime core, generated names, class shapes
        GoodSeq2Seq("Seq2SeqOldPlumbingNames", Seq2SeqModel("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Encode { get; } [Encoder, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Prepare { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Layout { get; } [Decoder, Lstm(4)] public partial RecurrentLayer DecoderStep { get; }",
            "private float[] _workspace = new float[1]; private int[] _inputTokens = new int[1]; private int Gather() => 0;"), Seq2Seq + " " + Seq2SeqTail),
        GoodSeq2Seq("Seq2SeqVerbatim", Seq2SeqModel("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer @in { get; } [Encoder, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer @for { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer @out { get; } [Decoder, Lstm(4)] public partial RecurrentLayer @while { get; }"), Seq2Seq + " " + Seq2SeqTail),
        GoodSeq2Seq("Seq2SeqNestedInGeneric", $"public partial class Outer<T> {{ {Seq2SeqModel(Seq2Seq)} }}", Seq2Seq + " " + Seq2SeqTail, "global::Hostile.Seq2SeqNestedInGeneric.Outer<int>.M"),
        GoodSeq2Seq("Seq2SeqInternalSealed", Seq2SeqModel(Seq2Seq, header: "internal sealed partial class M"), Seq2Seq + " " + Seq2SeqTail),
        GoodSeq2Seq("Seq2SeqUserConstructor", Seq2SeqModel(Seq2Seq, "public M(string name) : this(7) { Name = name; } public string Name { get; } = \"\";"), Seq2Seq + " " + Seq2SeqTail),
        BadModel("Seq2SeqLayerNetwork", "RNN0018", Seq2SeqMembers("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Network { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; }"), Seq2SeqAttribute),
        BadModel("Seq2SeqLayerBesideShape", "RNN0018", Seq2SeqMembers("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Reader { get; } [Encoder, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer ReaderShape { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; }"), Seq2SeqAttribute),
        BadModel("Seq2SeqUserCore", "RNN0029", Seq2SeqMembers(Seq2Seq, "private int _core;"), Seq2SeqAttribute),
        BadModel("Seq2SeqUserDecode", "RNN0029", Seq2SeqMembers(Seq2Seq, "public int Decode() => 0;"), Seq2SeqAttribute),
        BadModel("Seq2SeqUserResetRandom", "RNN0029", Seq2SeqMembers(Seq2Seq, "public void ResetRandom(int seed) { }"), Seq2SeqAttribute),
        Bad("Seq2SeqPartialRecord", "RNN0030", Seq2SeqModel(Seq2Seq, header: "public partial record M")),

        // class shapes
        Bad("GenericClass", "RNN0030", $"{Attr} public partial class M<T> {{ {Layers} }}"),
        Good("NestedInGeneric", $"public partial class Outer<T> where T : struct {{ {Attr} public partial class M {{ {Layers} }} }}", type: "global::Hostile.NestedInGeneric.Outer<int>.M"),
        Good("NestedInGenericStruct", $"public partial struct Outer<TKey, TValue> {{ {Attr} public partial class M {{ {Layers} }} }}", type: "global::Hostile.NestedInGenericStruct.Outer<int, string>.M"),
        Good("NestedInRecord", $"public partial record Outer(int X) {{ {Attr} public partial class M {{ {Layers} }} }}", type: "global::Hostile.NestedInRecord.Outer.M"),
        Good("NestedInInterface", $"public partial interface IOuter {{ {Attr} public partial class M {{ {Layers} }} }}", type: "global::Hostile.NestedInInterface.IOuter.M"),
        Good("NestedInStatic", $"public static partial class Outer {{ {Attr} public partial class M {{ {Layers} }} }}", type: "global::Hostile.NestedInStatic.Outer.M"),
        Good("NestedInRefStruct", $"public ref partial struct Outer {{ {Attr} public partial class M {{ {Layers} }} }}", type: "global::Hostile.NestedInRefStruct.Outer.M"),
        Bad("PartialRecord", "RNN0030", $"{Attr} public partial record M {{ {Layers} }}"),
        Bad("PartialRecordWithParameters", "RNN0030", $"{Attr} public partial record M(int Seed) {{ {Layers} }}"),
        Bad("FileClass", "RNN0030", $"{Attr} file partial class M {{ {Layers} }}"),
        Bad("NestedInFileClass", "RNN0030", $"file partial class Outer {{ {Attr} public partial class M {{ {Layers} }} }}"),
        Bad("StaticClass", "RNN0030", $"{Attr} public static partial class M {{ {Layers} }}"),
        Bad("PrimaryConstructor", "RNN0030", $"{Attr} public partial class M(int size) {{ {Layers} public int Size => size; }}"),
        Good("SealedInternal", $"{Attr} internal sealed partial class M {{ {Layers} }}"),
        Good("GlobalNamespace", $"{Attr} public partial class GlobalModelForRobustness {{ {Layers} }}", type: "global::GlobalModelForRobustness") with { Source = $"using RnnGen;\n{Attr} public partial class GlobalModelForRobustness {{ {Layers} }}\n" },
        Good("InsideRnnGenNamespace", "", type: "global::RnnGen.Hostile.M") with { Source = $"namespace RnnGen.Hostile;\n{Attr} public partial class M {{ {Layers} }}\n" },
        Good("ShadowingTypes", $"public class Math {{ }} public class Span {{ }} public class Array {{ }} public class Activation {{ }} public class NamedTensor {{ }}\n{Attr} public partial class M {{ {Layers} }}"),
        Good("BaseClass", $"public class Base {{ public int Extra => 1; }}\n{Attr} public partial class M : Base {{ {Layers} }}"),
        Bad("DerivesFromModel", "RNN0030", $"{Attr} public partial class A {{ {Layers} }}\n{Attr} public partial class M : A {{ {Layers} }}"),
        Bad("BaseWithPredict", "RNN0029", $"public class Base {{ public void Predict() {{ }} }}\n{Attr} public partial class M : Base {{ {Layers} }}"),

        // user members equal to generated ones
        BadModel("UserSummary", "RNN0029", Layers + " public string Summary() => \"mine\";"),
        Good("UserWorkspace", $"{Attr} public partial class M {{ {Layers} private float[] _workspace = new float[1]; }}"), // a name the runtime core keeps to itself now
        BadModel("UserSeedConstructor", "RNN0029", Layers + " public M(int seed) : this(seed, Initializer.PyTorch) { }"),
        BadModel("UserConstructorNotChaining", "RNN0030", Layers + " public M() { }"),
        Good("UserConstructorChaining", $"{Attr} public partial class M {{ {Layers} public M(string name) : this(7) {{ Name = name; }} public string Name {{ get; }} = \"\"; }}"),
        BadModel("UserParameterCount", "RNN0029", Layers + " public static int ParameterCount => 1;"),
        BadModel("UserNestedState", "RNN0029", Layers + " public sealed class State { }"),
        Good("UserLayerWeights", $"{Attr} public partial class M {{ {Layers} private int RnnWeights() => 0; }}"), // a name the runtime core keeps to itself now
        Good("UserLayerField", $"{Attr} public partial class M {{ {Layers} private int _layerRnn; }}"), // a name the runtime core keeps to itself now
        BadModel("ClassNamedSizes", "RNN0029", Layers, header: "public partial class Sizes"),
        BadModel("ClassNamedAfterLayerShape", "RNN0029", Layers, header: "public partial class RnnShape"),
        BadModel("VirtualLayer", "RNN0002", "[Lstm(4)] public virtual partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
        BadModel("NewLayer", "RNN0002", "[Lstm(4)] public new partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }"),

        // sizes and values
        BadModel("ZeroInput", "RNN0007", Layers, "[RnnModel(InputSize = -3)]"),
        BadModel("NegativeUnits", "RNN0007", "[Lstm(-4)] public partial RecurrentLayer Rnn { get; }"),
        BadModel("HugeEmbedding", "RNN0021", "[Embedding(16_000_000, 1_000)] public partial EmbeddingLayer E { get; } [Lstm(4)] public partial RecurrentLayer Rnn { get; }", "[RnnModel]"),
        BadModel("ZeroProjection", "RNN0036", "[Lstm(4, ProjectionSize = 0)] public partial RecurrentLayer Rnn { get; }"),
        BadModel("NegativeProjection", "RNN0036", "[Lstm(4, ProjectionSize = -3)] public partial RecurrentLayer Rnn { get; }"),
        BadModel("ProjectionAsWideAsUnits", "RNN0036", "[Bidirectional, Lstm(4, ProjectionSize = 4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
        BadModel("NaNDropout", "RNN0027", "[Dropout(double.NaN), Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
        Bad("NotPartialOuter", "RNN0001", $"public class Outer {{ {Attr} public partial class M {{ {Layers} }} }}"),
        Good("TokenModel", "[RnnModel] public partial class M { [Embedding(12, 4)] public partial EmbeddingLayer @checked { get; } [Gru(5)] public partial RecurrentLayer @lock { get; } [Dense(2)] public partial DenseLayer @this { get; } }",
            "[Embedding(12, 4)] public partial EmbeddingLayer E { get; } [Gru(5)] public partial RecurrentLayer R { get; } [Dense(2)] public partial DenseLayer D { get; }", "[RnnModel]", tokens: true),
    };

    [Fact]
    public void Every_hostile_declaration_is_diagnosed_in_the_users_code_or_works_like_the_plain_model()
    {
        IReadOnlyList<Declaration> declarations = All();
        Assert.True(declarations.Count >= 60, $"{declarations.Count} declarations");
        Assert.Equal(declarations.Count, declarations.Select(d => d.Name).Distinct().Count());

        TimeSpan cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<Outcome> outcomes = RobustnessHarness.Check(declarations);
        _output.WriteLine($"{declarations.Count} declarations checked in {wall.Elapsed.TotalSeconds:F1} s wall, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU; " +
            $"{outcomes.Count(o => o.Ran)} compiled (those with a model type ran), {outcomes.Count(o => !o.Ran)} diagnosed");
        foreach (Outcome outcome in outcomes)
        {
            string? expected = outcome.Declaration.ExpectedId;
            if (expected is null)
            {
                Assert.True(outcome.Ran, $"{outcome.Declaration.Name} should work but got: {string.Join("; ", outcome.RnnDiagnostics)}");
            }
            else
            {
                Assert.True(outcome.RnnDiagnostics.Any(d => d.Id == expected),
                    $"{outcome.Declaration.Name}: expected {expected}, got [{string.Join("; ", outcome.RnnDiagnostics)}]");
            }
        }
    }

    [Fact]
    public void An_undefined_initializer_passed_at_run_time_is_rejected_naming_the_argument_and_value()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RnnGen.Initialization.ModelInitialization.Dense((Initializer)7, new float[4], new float[2], 2, 2, new RnnGen.Initialization.DeterministicRandom(0)));
        Assert.Equal("initializer", e.ParamName);
        Assert.Contains("7", e.Message);
    }
}
