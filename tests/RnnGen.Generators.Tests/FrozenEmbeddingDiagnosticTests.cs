using Microsoft.CodeAnalysis;

namespace RnnGen.Generators.Tests;

public class FrozenEmbeddingDiagnosticTests
{
    [Fact]
    public void A_frozen_table_compiles_in_a_sequential_model()
    {
        var (diagnostics, _, output) = GeneratorHarness.Analyze(GeneratorHarness.Model(
            "[Embedding(9, 4, Trainable = false)] public partial EmbeddingLayer Words { get; } [Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2, Activation.Softmax)] public partial DenseLayer Out { get; }",
            "[RnnModel(Loss = Loss.CrossEntropy)]"));
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.CompileProblems(output));
    }

    [Fact]
    public void Frozen_tables_compile_in_an_encoder_decoder_model_and_the_summary_counts_them_non_trainable()
    {
        var (diagnostics, _, output) = GeneratorHarness.Analyze(GeneratorHarness.Model(
            "[Encoder, Embedding(11, 3, Trainable = false)] public partial EmbeddingLayer Letters { get; } [Encoder, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Reader { get; } "
            + "[Decoder, Embedding(9, 4, Trainable = false)] public partial EmbeddingLayer Sounds { get; } [Decoder, Lstm(4)] public partial RecurrentLayer Writer { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer Out { get; }",
            "[RnnModel(Loss = Loss.CrossEntropy)]"));
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.CompileProblems(output));
        string generated = string.Join("\n", output.SyntaxTrees.Select(t => t.ToString()));
        Assert.Equal(2, generated.Split("public static bool Trainable => false;").Length - 1);
        Assert.Contains("/// Non-trainable params: 69", generated); // 11·3 + 9·4, in the class's summary table
    }
}
