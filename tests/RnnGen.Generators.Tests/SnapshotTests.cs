using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generators.Tests;

/// <summary>
/// The generated source of representative models, compared exactly with committed <c>Snapshots/*.verified.cs</c>.
/// A changed snapshot is reviewed like code: run with <c>RNNGEN_ACCEPT_SNAPSHOTS=1</c> to rewrite them, then read the diff.
/// </summary>
public sealed class SnapshotTests
{
    public static TheoryData<string, string> Models() => new()
    {
        { "ImdbClassifier", GeneratorHarness.Source("""
            // The classic Keras IMDB model: Embedding(10000, 32) -> SimpleRNN(32) -> Dense(1, sigmoid)
            [RnnModel(Loss = Loss.BinaryCrossEntropy)]
            public partial class ImdbClassifier
            {
                [Embedding(vocabularySize: 10_000, dimension: 32)]
                public partial EmbeddingLayer Embedding { get; }

                [SimpleRnn(32)]
                public partial RecurrentLayer Rnn { get; }

                [Dense(1, Activation.Sigmoid)]
                public partial DenseLayer Classifier { get; }
            }
            """) },
        { "Speller", GeneratorHarness.Source("""
            // Grapheme-to-phoneme: bidirectional LSTM encoder, LSTM decoder, additive (Bahdanau) attention
            [RnnModel(Loss = Loss.CrossEntropy, StartToken = 1, EndToken = 2)]
            public partial class Speller
            {
                [Encoder, Embedding(28, 16)] public partial EmbeddingLayer Spelling { get; }
                [Encoder, Bidirectional, Lstm(32, ReturnSequences = true)] public partial RecurrentLayer Reader { get; }
                [Decoder, Embedding(42, 16)] public partial EmbeddingLayer Sounds { get; }
                [Decoder, Lstm(64)] public partial RecurrentLayer Writer { get; }
                [Attention(AttentionScore.Additive, 32)] public partial AttentionLayer Attend { get; }
                [Dense(42, Activation.Softmax)] public partial DenseLayer Phoneme { get; }
            }
            """) },
        { "FeedbackForecaster", GeneratorHarness.Source("""
            // Output recurrence: the previous prediction is fed back with the next input; residual LSTM, dropout
            [RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError, OutputRecurrence = true)]
            public partial class FeedbackForecaster
            {
                [Dropout(0.2), Lstm(3, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
                [Residual, Lstm(3, ReturnSequences = true)] public partial RecurrentLayer Refine { get; }
                [Dense(1)] public partial DenseLayer Next { get; }
            }
            """) },
        { "Tagger", GeneratorHarness.Source("""
            // A part-of-speech tagger: many-to-many, stacked, bidirectional
            [RnnModel(Loss = Loss.CrossEntropy)]
            public partial class Tagger
            {
                [Embedding(20_000, 64)]                            public partial EmbeddingLayer Words { get; }
                [Bidirectional, Lstm(128, ReturnSequences = true)] public partial RecurrentLayer Encoder { get; }
                [Gru(64, ReturnSequences = true)]                  public partial RecurrentLayer Refine { get; }
                [Dense(17, Activation.Softmax)]                    public partial DenseLayer Tags { get; }
            }
            """) },
        { "ArithmeticTree", GeneratorHarness.Source("""
            // A recursive model: a Tree-LSTM (Tai et al. 2015) over binary trees, a softmax on each root
            [RnnModel(Loss = Loss.CrossEntropy)]
            public partial class ArithmeticTree
            {
                [Embedding(13, 16)]             public partial EmbeddingLayer Tokens { get; }
                [TreeLstm(64)]                  public partial TreeLayer Composition { get; }
                [Dense(10, Activation.Softmax)] public partial DenseLayer Value { get; }
            }
            """) },
        { "Forecaster", GeneratorHarness.Source("""
            // A real-time forecaster fed one float per step
            [RnnModel(InputSize = 1, Loss = Loss.MeanSquaredError)]
            public partial class Forecaster
            {
                [Lstm(32)]   public partial RecurrentLayer Memory { get; }
                [Dense(1)]   public partial DenseLayer Next { get; }
            }
            """) },
        { "PeepholeLstm", GeneratorHarness.Source("""
            [RnnModel(InputSize = 8)]
            internal partial class PeepholeLstm
            {
                [Lstm(16, Peepholes = true, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
            }
            """) },
        { "ResetBeforeGru", GeneratorHarness.Source("""
            [RnnModel(InputSize = 4, Loss = Loss.CrossEntropy, Initializer = Initializer.PyTorch)]
            public partial class ResetBeforeGru
            {
                [Bidirectional(Merge = MergeMode.Average), Gru(6, ResetAfter = false)] public partial RecurrentLayer Rnn { get; }
                [Dense(3, Activation.Softmax)] public partial DenseLayer Out { get; }
            }
            """) },
        { "NestedSigmoidRnn", GeneratorHarness.Source("""
            public static partial class Outer
            {
                [RnnModel(InputSize = 2, Loss = Loss.BinaryCrossEntropy)]
                public partial class NestedSigmoidRnn
                {
                    [SimpleRnn(3, Activation.Sigmoid, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
                    [Dense(1, Activation.Sigmoid)] public partial DenseLayer Out { get; }
                }
            }
            """) },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Generated_source_matches_the_snapshot_and_compiles_clean(string name, string source)
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompileProblems(output));
        GeneratedSourceResult generated = Assert.Single(result.Results[0].GeneratedSources);
        string actual = generated.SourceText.ToString();

        string path = Path.Combine(SnapshotDirectory(), name + ".verified.cs");
        if (Environment.GetEnvironmentVariable("RNNGEN_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
        }

        // a mismatch leaves the actual text beside the snapshot as <name>.received.cs (git-ignored) to diff against it
        string received = Path.Combine(SnapshotDirectory(), name + ".received.cs");
        string expected = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.True(File.Exists(path), $"No snapshot {path}; compare {received}, then run the tests with RNNGEN_ACCEPT_SNAPSHOTS=1 and review it.");
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        int line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
        Assert.Fail($"{name}: generated source differs from {path} at line {line + 1}:\n  snapshot: {(line < e.Length ? e[line] : "<end>")}\n  actual:   {(line < a.Length ? a[line] : "<end>")}\n" +
            $"Whole text in {received} (diff -u {path} {received}); run with RNNGEN_ACCEPT_SNAPSHOTS=1 to accept, then review the diff.");
    }

    [Fact]
    public void The_class_documentation_holds_the_summary_table()
    {
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(Models().Select(row => (string)row[1]).First());
        string text = result.Results[0].GeneratedSources[0].SourceText.ToString();
        Assert.Contains("/// Total params: 322,113", text);
        Assert.Matches(@"/// +Rnn \(SimpleRNN\) +\(None, 32\) +2,080", text);
    }

    private static string SnapshotDirectory([CallerFilePath] string file = "") => Path.Combine(Path.GetDirectoryName(file)!, "Snapshots");
}
