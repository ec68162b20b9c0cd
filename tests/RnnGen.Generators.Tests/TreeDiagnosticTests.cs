using Microsoft.CodeAnalysis;

namespace RnnGen.Generators.Tests;

/// <summary>The shape rules of tree models (RNN0040–RNN0044), one case each as in <see cref="DiagnosticTests"/>, and the rules every model keeps.</summary>
public sealed class TreeDiagnosticTests
{
    private const string Attribute = "[RnnModel(Loss = Loss.CrossEntropy)]";
    private const string Embedding = "[Embedding(13, 8)] public partial EmbeddingLayer Tokens { get; } ";
    private const string Tree = "[TreeLstm(16)] public partial TreeLayer Composition { get; } ";
    private const string Head = "[Dense(10, Activation.Softmax)] public partial DenseLayer Value { get; }";

    private static string Model(string members) => GeneratorHarness.Model(members, Attribute);

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "RNN0040", Model(Embedding + Tree + "[[|TreeRnn(16)|]] public partial TreeLayer Again { get; } " + Head), Model(Embedding + Tree + Head) },
        { "RNN0041", Model("[[|TreeLstm(16)|]] public partial TreeLayer Composition { get; } " + Head), Model(Embedding + Tree + Head) },
        { "RNN0042", Model(Embedding + "[[|Lstm(8, ReturnSequences = true)|]] public partial RecurrentLayer Reader { get; } " + Tree + Head), Model(Embedding + Tree + Head) },
        { "RNN0043", Model(Embedding + "[[|TreeLstm(16)|]] public partial TreeLayer Composition { get; }"), Model(Embedding + Tree + Head) },
        { "RNN0044", Model(Embedding + "[[|TreeRnn(16)|]] public partial TreeLayer Composition { get; } " + Head),
                     Model("[Embedding(13, 16)] public partial EmbeddingLayer Tokens { get; } [TreeRnn(16)] public partial TreeLayer Composition { get; } " + Head) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_invalid_example_reports_the_diagnostic_at_its_span(string id, string invalid, string fixedSource)
        => new DiagnosticTests().The_invalid_example_reports_the_diagnostic_at_its_span(id, invalid, fixedSource);

    [Theory]
    [InlineData("RNN0042", Embedding + Tree + "[Dropout(0.2), [|Dense(10, Activation.Softmax)|]] public partial DenseLayer Value { get; }", Attribute)]
    [InlineData("RNN0042", Embedding + Tree + Head, "[RnnModel(Loss = Loss.CrossEntropy, [|OutputRecurrence = true|])]")]
    [InlineData("RNN0041", "[Dense(4)] public partial DenseLayer In { get; } [[|TreeLstm(16)|]] public partial TreeLayer Composition { get; } " + Head, "[RnnModel(InputSize = 3, Loss = Loss.CrossEntropy)]")]
    [InlineData("RNN0043", Embedding + Tree + "[[|Dense(10)|]] public partial DenseLayer Hidden { get; } " + Head, Attribute)]
    [InlineData("RNN0012", Embedding + "[[|Bidirectional|], TreeLstm(16)] public partial TreeLayer Composition { get; } " + Head, Attribute)]
    [InlineData("RNN0014", Embedding + Tree + "[[|Dense(10)|]] public partial DenseLayer Value { get; }", Attribute)]
    [InlineData("RNN0009", Embedding + Tree + Head, "[RnnModel([|InputSize = 3|], Loss = Loss.CrossEntropy)]")]
    [InlineData("RNN0003", Embedding + "[TreeLstm(16)] public partial RecurrentLayer [|Composition|] { get; } " + Head, Attribute)]
    [InlineData("RNN0007", Embedding + "[TreeLstm([|0|])] public partial TreeLayer Composition { get; } " + Head, Attribute)]
    public void Other_tree_declarations_are_diagnosed_at_the_member_and_never_crash(string id, string members, string attribute)
    {
        (string source, Microsoft.CodeAnalysis.Text.TextSpan span) = GeneratorHarness.Marked(GeneratorHarness.Model(members, attribute));
        (IReadOnlyList<Diagnostic> diagnostics, GeneratorDriverRunResult result, _) = GeneratorHarness.Analyze(source);
        Assert.Null(result.Results[0].Exception);
        Diagnostic diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.DoesNotContain(diagnostics, d => d.Id == DiagnosticDescriptors.InternalErrorId);
        Assert.DoesNotContain(GeneratorHarness.Run(source).Output.GetDiagnostics(), c => c.Id == "CS9248");
    }

    [Fact]
    public void The_messages_name_the_layers_and_the_sizes()
    {
        string Message(string members) => Assert.Single(GeneratorHarness.Analyze(Model(members)).Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("[TreeRnn(16)] 'Composition' uses each leaf's embedding as its vector, so the embedding 'Tokens' must have dimension 16, not 8",
            Message(Embedding + "[TreeRnn(16)] public partial TreeLayer Composition { get; } " + Head));
        Assert.Equal("The tree model 'M' must end with one [Dense] layer right after its tree layer 'Composition': it has no layer after the tree layer",
            Message(Embedding + Tree));
    }

    [Theory]
    [InlineData("[RnnModel(Loss = Loss.MeanSquaredError)]", "[Dense(2, Activation.Tanh)] public partial DenseLayer Score { get; }")]
    [InlineData("[RnnModel(Loss = Loss.BinaryCrossEntropy)]", "[Dense(1, Activation.Sigmoid)] public partial DenseLayer Positive { get; }")]
    [InlineData("[RnnModel]", "[Dense(3)] public partial DenseLayer Out { get; }")]
    public void Tree_models_with_every_loss_and_a_frozen_table_compile_clean(string attribute, string head)
    {
        (IReadOnlyList<Diagnostic> diagnostics, _, Compilation output) = GeneratorHarness.Analyze(GeneratorHarness.Model(
            "[Embedding(13, 8, Trainable = false)] public partial EmbeddingLayer Tokens { get; } [TreeRnn(8)] public partial TreeLayer Composition { get; } " + head, attribute));
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));
        IReadOnlyList<Diagnostic> problems = GeneratorHarness.CompileProblems(output);
        Assert.True(problems.Count == 0, "does not compile: " + string.Join("\n", problems.Take(5)));
    }
}
