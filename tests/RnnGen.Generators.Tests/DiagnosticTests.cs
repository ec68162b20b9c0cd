using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace RnnGen.Generators.Tests;

/// <summary>
/// One case per diagnostic: the invalid declaration reports the ID at the marked span <c>[|…|]</c> (and never crashes the
/// generator); the fixed declaration reports nothing and compiles clean.
/// </summary>
public sealed class DiagnosticTests
{
    private const string Seq2Seq = "[RnnModel(Loss = Loss.CrossEntropy)]";

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "RNN0001", GeneratorHarness.Source("[RnnModel(InputSize = 3)] public class [|M|] { [Lstm(4)] public partial RecurrentLayer Rnn { get; } }"),
                     GeneratorHarness.Source("[RnnModel(InputSize = 3)] public partial class M { [Lstm(4)] public partial RecurrentLayer Rnn { get; } }") },
        { "RNN0002", GeneratorHarness.Model("[Lstm(4)] public RecurrentLayer [|Rnn|] { get; } = null!;"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; }") },
        { "RNN0003", GeneratorHarness.Model("[Lstm(4)] public partial DenseLayer [|Rnn|] { get; }"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; }") },
        { "RNN0004", GeneratorHarness.Model("[Lstm(4), [|Gru(4)|]] public partial RecurrentLayer Rnn { get; }"),
                     GeneratorHarness.Model("[Gru(4)] public partial RecurrentLayer Rnn { get; }") },
        { "RNN0006", GeneratorHarness.Source("[RnnModel(InputSize = 3)] public partial class [|M|] { }"),
                     GeneratorHarness.Model("[Dense(2)] public partial DenseLayer Out { get; }") },
        { "RNN0007", GeneratorHarness.Model("[Lstm([|0|])] public partial RecurrentLayer Rnn { get; }"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; }") },
        { "RNN0008", GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; }", "[[|RnnModel|]]"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; }", "[RnnModel(InputSize = 1)]") },
        { "RNN0009", GeneratorHarness.Model("[Embedding(10, 4)] public partial EmbeddingLayer E { get; } [Lstm(4)] public partial RecurrentLayer Rnn { get; }", "[RnnModel([|InputSize = 3|])]"),
                     GeneratorHarness.Model("[Embedding(10, 4)] public partial EmbeddingLayer E { get; } [Lstm(4)] public partial RecurrentLayer Rnn { get; }", "[RnnModel]") },
        { "RNN0010", GeneratorHarness.Model("[Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } [[|Embedding(10, 4)|]] public partial EmbeddingLayer E { get; }"),
                     GeneratorHarness.Model("[Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }") },
        { "RNN0011", GeneratorHarness.Model("[Lstm(128)] public partial RecurrentLayer Encoder { get; } [[|Lstm(64)|]] public partial RecurrentLayer Decoder { get; }"),
                     GeneratorHarness.Model("[Lstm(128, ReturnSequences = true)] public partial RecurrentLayer Encoder { get; } [Lstm(64)] public partial RecurrentLayer Decoder { get; }") },
        { "RNN0012", GeneratorHarness.Model("[[|Bidirectional|], Dense(2)] public partial DenseLayer Out { get; }"),
                     GeneratorHarness.Model("[Dense(2)] public partial DenseLayer Out { get; }") },
        { "RNN0013", GeneratorHarness.Model("[SimpleRnn(4, [|Activation.Softmax|])] public partial RecurrentLayer Rnn { get; }"),
                     GeneratorHarness.Model("[SimpleRnn(4, Activation.Relu)] public partial RecurrentLayer Rnn { get; }") },
        { "RNN0014", GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [[|Dense(3)|]] public partial DenseLayer Out { get; }", "[RnnModel(InputSize = 3, Loss = Loss.CrossEntropy)]"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(3, Activation.Softmax)] public partial DenseLayer Out { get; }", "[RnnModel(InputSize = 3, Loss = Loss.CrossEntropy)]") },
        { "RNN0015", GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [[|Dense(1, Activation.Tanh)|]] public partial DenseLayer Out { get; }", "[RnnModel(InputSize = 3, Loss = Loss.BinaryCrossEntropy)]"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(1, Activation.Sigmoid)] public partial DenseLayer Out { get; }", "[RnnModel(InputSize = 3, Loss = Loss.BinaryCrossEntropy)]") },
        { "RNN0016", GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [[|Dense(1, Activation.Softmax)|]] public partial DenseLayer Out { get; }"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(1, Activation.Sigmoid)] public partial DenseLayer Out { get; }") },
        { "RNN0017", GeneratorHarness.Model("[Dense(4)] public partial DenseLayer In { get; } [[|Lstm(4)|]] public partial RecurrentLayer Rnn { get; }"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(4)] public partial DenseLayer Out { get; }") },
        { "RNN0018", GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer [|Summary|] { get; }"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Memory { get; }") },
        { "RNN0019", GeneratorHarness.Model("[Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } [[|Dense(3, Activation.Softmax)|]] public partial DenseLayer Hidden { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
                     GeneratorHarness.Model("[Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } [Dense(3, Activation.Tanh)] public partial DenseLayer Hidden { get; } [Dense(2)] public partial DenseLayer Out { get; }") },
        { "RNN0021", GeneratorHarness.Model("[Lstm(100, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } [[|Lstm(30_000)|]] public partial RecurrentLayer Big { get; }"),
                     GeneratorHarness.Model("[Lstm(100, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } [Lstm(300)] public partial RecurrentLayer Big { get; }") },
        { "RNN0022", GeneratorHarness.Model("[Encoder, [|Lstm(4, ReturnSequences = true)|]] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2Seq),
                     GeneratorHarness.Model("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2Seq) },
        { "RNN0023", GeneratorHarness.Model("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Bidirectional, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, [|Lstm(6)|]] public partial RecurrentLayer Writer { get; } [Attention(AttentionScore.Additive, 5)] public partial AttentionLayer Attend { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2Seq),
                     GeneratorHarness.Model("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Bidirectional, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(8)] public partial RecurrentLayer Writer { get; } [Attention(AttentionScore.Additive, 5)] public partial AttentionLayer Attend { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2Seq) },
        { "RNN0024", GeneratorHarness.Model("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Gru(6, ReturnSequences = true)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Gru(8)] public partial RecurrentLayer Writer { get; } [[|Attention(AttentionScore.Dot)|]] public partial AttentionLayer Attend { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2Seq),
                     GeneratorHarness.Model("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Gru(8, ReturnSequences = true)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Gru(8)] public partial RecurrentLayer Writer { get; } [Attention(AttentionScore.Dot)] public partial AttentionLayer Attend { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2Seq) },
        { "RNN0025", GeneratorHarness.Model("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(4)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [[|Dense(7, Activation.Softmax)|]] public partial DenseLayer Out { get; }", Seq2Seq),
                     GeneratorHarness.Model("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(4)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2Seq) },
        { "RNN0026", GeneratorHarness.Model("[Residual, [|Lstm(4, ReturnSequences = true)|]] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
                     GeneratorHarness.Model("[Residual, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }", "[RnnModel(InputSize = 4)]") },
        { "RNN0027", GeneratorHarness.Model("[[|Dropout(1.5)|], Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
                     GeneratorHarness.Model("[Dropout(0.5), Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }") },
        { "RNN0028", GeneratorHarness.Model("[Lstm(8)] public partial RecurrentLayer Memory { get; } [Dense(1)] public partial DenseLayer Next { get; }", "[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError, [|OutputRecurrence = true|])]"),
                     GeneratorHarness.Model("[Lstm(8, ReturnSequences = true)] public partial RecurrentLayer Memory { get; } [Dense(1)] public partial DenseLayer Next { get; }", "[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError, OutputRecurrence = true)]") },
        { "RNN0029", GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } public string [|Summary|]() => \"mine\";"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } public string Describe() => \"mine\";") },
        { "RNN0030", GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } public [|M|](string name) { }"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } public M(string name) : this(0) { }") },
        { "RNN0031", GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2, [|(Activation)42|])] public partial DenseLayer Out { get; }"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2, Activation.Softmax)] public partial DenseLayer Out { get; }") },
        { "RNN0032", GeneratorHarness.Model("[Conditioned([|0|]), Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
                     GeneratorHarness.Model("[Conditioned(3), Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }") },
        { "RNN0033", GeneratorHarness.Model("[Lstm(4, ReturnSequences = true)] public partial RecurrentLayer First { get; } [Conditioned(3), [|Lstm(4)|]] public partial RecurrentLayer Second { get; } [Dense(2)] public partial DenseLayer Out { get; }"),
                     GeneratorHarness.Model("[Conditioned(3), Lstm(4, ReturnSequences = true)] public partial RecurrentLayer First { get; } [Lstm(4)] public partial RecurrentLayer Second { get; } [Dense(2)] public partial DenseLayer Out { get; }") },
        { "RNN0034", GeneratorHarness.Model("[Conditioned(3), [|Lstm(8, ReturnSequences = true)|]] public partial RecurrentLayer Memory { get; } [Dense(1)] public partial DenseLayer Next { get; }", "[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError, OutputRecurrence = true)]"),
                     GeneratorHarness.Model("[Conditioned(3), Lstm(8, ReturnSequences = true)] public partial RecurrentLayer Memory { get; } [Dense(1)] public partial DenseLayer Next { get; }", "[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError)]") },
        { "RNN0035", GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }", "[RnnModel(InputSize = 2, [|ContextToEveryStep = true|])]"),
                     GeneratorHarness.Model("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(4)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", "[RnnModel(Loss = Loss.CrossEntropy, ContextToEveryStep = true)]") },
        { "RNN0036", GeneratorHarness.Model("[Lstm(4, [|ProjectionSize = 4|], ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }"),
                     GeneratorHarness.Model("[Lstm(4, ProjectionSize = 3, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }") },
        { "RNN0037", GeneratorHarness.Model("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(6, [|ProjectionSize = 4|])] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2Seq),
                     GeneratorHarness.Model("[Encoder, Embedding(11, 3)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(4)] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2Seq) },
        { "RNN0005", GeneratorHarness.Source("public partial class Helper { [[|Lstm(4)|]] public partial RecurrentLayer Rnn { get; } public partial RecurrentLayer Rnn => null!; }"),
                     GeneratorHarness.Source("[RnnModel(InputSize = 2)] public partial class Helper { [Lstm(4)] public partial RecurrentLayer Rnn { get; } }") },
        { "RNN0020", GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }\n" +
                         "void Use() { var m = new M(); m.Predict(new float[2 * 5 * 3], 2, 5, [|new float[3]|]); }"),
                     GeneratorHarness.Model("[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }\n" +
                         "void Use() { var m = new M(); m.Predict(new float[2 * 5 * 3], 2, 5, new float[4]); }") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_invalid_example_reports_the_diagnostic_at_its_span(string id, string invalid, string fixedSource)
    {
        (string source, TextSpan span) = GeneratorHarness.Marked(invalid);
        (IReadOnlyList<Diagnostic> diagnostics, GeneratorDriverRunResult result, _) = GeneratorHarness.Analyze(source);
        Assert.Null(result.Results[0].Exception);
        Diagnostic diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.EndsWith($"docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
        Assert.DoesNotContain(diagnostics, d => d.Id == DiagnosticDescriptors.InternalErrorId);

        // The RNN diagnostic stands alone: the layers of an invalid partial model still get their (throwing) implementation
        // parts, rejected layer members included — except in a class that is not partial (RNN0001), which cannot have any.
        if (id is not "RNN0001")
        {
            Assert.DoesNotContain(GeneratorHarness.Run(source).Output.GetDiagnostics(), c => c.Id == "CS9248");
        }

        (IReadOnlyList<Diagnostic> fixedDiagnostics, _, Compilation output) = GeneratorHarness.Analyze(fixedSource);
        Assert.True(fixedDiagnostics.Count == 0, "fixed declaration: " + string.Join("\n", fixedDiagnostics));
        IReadOnlyList<Diagnostic> problems = GeneratorHarness.CompileProblems(output);
        Assert.True(problems.Count == 0, "fixed declaration does not compile: " + string.Join("\n", problems.Take(5)));
    }

    private const string Seq2SeqEncoder = "[Encoder, Embedding(11, 4)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Reader { get; } ";
    private const string Seq2SeqOutput = "[Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }";

    [Theory]
    [InlineData("RNN0022", Seq2SeqEncoder + "[Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Dropout(0.2), [|Attention(AttentionScore.Dot)|]] public partial AttentionLayer Attend { get; } " + Seq2SeqOutput)]
    [InlineData("RNN0022", Seq2SeqEncoder + "[Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Dropout(0.2), [|Dense(9, Activation.Softmax)|]] public partial DenseLayer Out { get; }")]
    [InlineData("RNN0022", Seq2SeqEncoder + "[Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Dropout(Input = 0.2), [|Lstm(4)|]] public partial RecurrentLayer Writer { get; } [Attention(AttentionScore.Dot)] public partial AttentionLayer Attend { get; } " + Seq2SeqOutput)]
    [InlineData("RNN0026", Seq2SeqEncoder + "[Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Residual, [|Lstm(4)|]] public partial RecurrentLayer Writer { get; } [Attention(AttentionScore.Dot)] public partial AttentionLayer Attend { get; } " + Seq2SeqOutput)]
    [InlineData("RNN0026", "[Encoder, Embedding(11, 4)] public partial EmbeddingLayer Letters { get; } [Encoder, Residual, [|Lstm(4)|]] public partial RecurrentLayer Reader { get; } [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } " + Seq2SeqOutput)]
    [InlineData("RNN0027", Seq2SeqEncoder + "[Decoder, Dropout(Input = 0.2), [|Embedding(9, 4)|]] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } " + Seq2SeqOutput)]
    public void Encoder_decoder_dropout_and_residual_are_diagnosed_where_they_cannot_apply(string id, string invalid)
    {
        (string source, TextSpan span) = GeneratorHarness.Marked(GeneratorHarness.Model(invalid, Seq2Seq));
        (IReadOnlyList<Diagnostic> diagnostics, GeneratorDriverRunResult result, _) = GeneratorHarness.Analyze(source);
        Assert.Null(result.Results[0].Exception);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
    }

    [Theory]
    [InlineData("RNN0032", "[Conditioned(3, [|Mode = (ConditionMode)4|]), Gru(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }")]
    [InlineData("RNN0033", "[Lstm(4)] public partial RecurrentLayer Rnn { get; } [[|Conditioned(3)|], Dense(2)] public partial DenseLayer Out { get; }")]
    [InlineData("RNN0033", "[[|Conditioned(3)|], Bidirectional, Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }")]
    [InlineData("RNN0035", Seq2SeqEncoder + "[Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Attention(AttentionScore.Dot)] public partial AttentionLayer Attend { get; } " + Seq2SeqOutput, true, "[RnnModel(Loss = Loss.CrossEntropy, [|ContextToEveryStep = true|])]")]
    [InlineData("RNN0034", Seq2SeqEncoder + "[Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; } [Decoder, Conditioned(3), [|Lstm(4)|]] public partial RecurrentLayer Writer { get; } " + Seq2SeqOutput, true)]
    public void Conditions_and_contexts_are_diagnosed_where_they_cannot_apply(string id, string invalid, bool seq2seq = false, string? model = null)
    {
        (string source, TextSpan span) = GeneratorHarness.Marked(seq2seq ? GeneratorHarness.Model(invalid, model ?? Seq2Seq) : GeneratorHarness.Model(invalid));
        (IReadOnlyList<Diagnostic> diagnostics, GeneratorDriverRunResult result, _) = GeneratorHarness.Analyze(source);
        Assert.Null(result.Results[0].Exception);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void A_conditioned_layer_with_a_projection_is_reported_on_that_layer()
    {
        string source = GeneratorHarness.Model("[Conditioned(3), Lstm(6, ProjectionSize = 4, ReturnSequences = true)] public partial RecurrentLayer Memory { get; } [Dense(2)] public partial DenseLayer Out { get; }");
        (IReadOnlyList<Diagnostic> diagnostics, GeneratorDriverRunResult result, _) = GeneratorHarness.Analyze(source);
        Assert.Null(result.Results[0].Exception);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal("RNN0033", diagnostic.Id);
        Assert.Contains("'Memory'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("ProjectionSize", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Encoder_decoder_layers_take_dropout_and_residual_connections()
    {
        (IReadOnlyList<Diagnostic> diagnostics, _, Compilation output) = GeneratorHarness.Analyze(GeneratorHarness.Model(
            "[Encoder, Embedding(11, 4), Dropout(0.1)] public partial EmbeddingLayer Letters { get; } [Encoder, Residual, Dropout(0.2, Input = 0.1), Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Lower { get; } " +
            "[Encoder, Bidirectional, Residual, Lstm(2, ReturnSequences = true)] public partial RecurrentLayer Upper { get; } [Decoder, Embedding(9, 4), Dropout(0.3)] public partial EmbeddingLayer Sounds { get; } " +
            "[Decoder, Dropout(0.2), Gru(4)] public partial RecurrentLayer First { get; } [Decoder, Residual, Dropout(Input = 0.2), Lstm(4)] public partial RecurrentLayer Second { get; } " +
            "[Attention(AttentionScore.Additive, 3)] public partial AttentionLayer Attend { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }", Seq2Seq));
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));
        IReadOnlyList<Diagnostic> problems = GeneratorHarness.CompileProblems(output);
        Assert.True(problems.Count == 0, "does not compile: " + string.Join("\n", problems.Take(5)));
    }

    [Fact]
    public void The_sequence_message_names_both_layers_and_both_shapes()
    {
        (IReadOnlyList<Diagnostic> diagnostics, _, _) = GeneratorHarness.Analyze(GeneratorHarness.Model(
            "[Lstm(128)] public partial RecurrentLayer Encoder { get; } [Lstm(64)] public partial RecurrentLayer Decoder { get; }"));
        Assert.Equal(
            "Layer 'Decoder' expects a sequence [batch, time, 128] but 'Encoder' returns only its last step [batch, 128]; set ReturnSequences = true on 'Encoder'",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("[RnnModel] public partial class Big { [Embedding(16_000_000, 1_000)] public partial EmbeddingLayer E { get; } [Lstm(4)] public partial RecurrentLayer R { get; } }", "'E' brings the parameters of 'Big' to 16,000,000,000 floats")]
    [InlineData("[RnnModel] public partial class Big { [Encoder, Embedding(10, 4)] public partial EmbeddingLayer A { get; } [Encoder, Lstm(8)] public partial RecurrentLayer B { get; } [Decoder, Embedding(16_000_000, 1_000)] public partial EmbeddingLayer C { get; } [Decoder, Lstm(8)] public partial RecurrentLayer D { get; } [Dense(16_000_000, Activation.Softmax)] public partial DenseLayer E { get; } }", "'C' brings the parameters of 'Big' to 16,000,000,")]
    [InlineData("[RnnModel(InputSize = 16_000_000)] public partial class Big { [Bidirectional, Gru(100)] public partial RecurrentLayer R { get; } }", "'R' brings the parameters of 'Big' to 9,600,061,200 floats")]
    public void A_model_whose_parameters_overflow_an_array_is_reported_not_emitted(string body, string message)
    {
        (IReadOnlyList<Diagnostic> diagnostics, GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Analyze(GeneratorHarness.Source(body));
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticDescriptors.ModelTooLargeId, d.Id);
        Assert.Contains(message, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        // Only the throwing layer properties of an invalid model are generated: no sizes, so no negative array sizes.
        Assert.All(result.Results[0].GeneratedSources, g => Assert.DoesNotContain("new float[", g.SourceText.ToString()));
        Assert.DoesNotContain(output.GetDiagnostics(), c => c.Id == "CS0248");
    }

    [Fact]
    public void Every_descriptor_has_a_documentation_page_and_a_release_entry()
    {
        string root = RepositoryRoot();
        string releases = File.ReadAllText(Path.Combine(root, "generators", "RnnGen.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var field in typeof(DiagnosticDescriptors).GetFields().Where(f => f.FieldType == typeof(DiagnosticDescriptor)))
        {
            var descriptor = (DiagnosticDescriptor)field.GetValue(null)!;
            Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md")), $"docs/diagnostics/{descriptor.Id}.md is missing");
            Assert.Contains(descriptor.Id + " |", releases);
        }
    }

    [Fact]
    public void Broken_declarations_never_crash_the_generator()
    {
        string[] broken =
        {
            GeneratorHarness.Source("[RnnModel(InputSize = -1)] public partial class A { [Lstm(-5)] public partial RecurrentLayer Rnn { get; } }"),
            GeneratorHarness.Source("[RnnModel] public partial class B { [Lstm] public partial RecurrentLayer Rnn { get; } }"),
            GeneratorHarness.Source("[RnnModel] public partial class C { [Embedding(0, 0)] public partial EmbeddingLayer E { get; } }"),
            GeneratorHarness.Source("[RnnModel(InputSize = 2)] public partial class D { [Dense(int.MaxValue)] public partial DenseLayer Out { get; } }"),
            GeneratorHarness.Source("[RnnModel(InputSize = 2)] public partial class E { [Lstm(4)] public partial Missing Rnn { get; } }"),
        };
        foreach (string source in broken)
        {
            (IReadOnlyList<Diagnostic> diagnostics, GeneratorDriverRunResult result, _) = GeneratorHarness.Analyze(source);
            Assert.Null(result.Results[0].Exception);
            Assert.DoesNotContain(diagnostics, d => d.Id == DiagnosticDescriptors.InternalErrorId);
        }
    }

    internal static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RnnGen.sln"))) directory = Path.GetDirectoryName(directory);
        return directory ?? throw new InvalidOperationException("RnnGen.sln not found above " + AppContext.BaseDirectory);
    }
}
