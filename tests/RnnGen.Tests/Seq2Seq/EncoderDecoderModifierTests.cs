using RnnGen.Seq2Seq;

namespace RnnGen.Tests.Seq2Seq;

/// <summary>[Residual] and [Dropout] in both parts of an encoder-decoder model, through the same layer ops as a sequential model's.</summary>
[RnnModel(Loss = Loss.CrossEntropy, StartToken = 1, EndToken = 2)]
public partial class ResidualDropoutSeq2Seq
{
    [Encoder, Embedding(11, 6), Dropout(0.2)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Bidirectional, Lstm(3, ReturnSequences = true), Residual, Dropout(0.25)] public partial RecurrentLayer Reader { get; }
    [Encoder, Gru(6, ReturnSequences = true), Residual, Dropout(0.1)] public partial RecurrentLayer Upper { get; }
    [Decoder, Embedding(9, 4), Dropout(0.2)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Lstm(6)] public partial RecurrentLayer First { get; }
    [Decoder, Gru(6), Residual, Dropout(0.3)] public partial RecurrentLayer Second { get; }
    [Attention(AttentionScore.Additive, 5)] public partial AttentionLayer Attend { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}

/// <summary>The same model without dropout: the same parameters, so inference must match the model above exactly.</summary>
[RnnModel(Loss = Loss.CrossEntropy, StartToken = 1, EndToken = 2)]
public partial class ResidualSeq2Seq
{
    [Encoder, Embedding(11, 6)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Bidirectional, Lstm(3, ReturnSequences = true), Residual] public partial RecurrentLayer Reader { get; }
    [Encoder, Gru(6, ReturnSequences = true), Residual] public partial RecurrentLayer Upper { get; }
    [Decoder, Embedding(9, 4)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Lstm(6)] public partial RecurrentLayer First { get; }
    [Decoder, Gru(6), Residual] public partial RecurrentLayer Second { get; }
    [Attention(AttentionScore.Additive, 5)] public partial AttentionLayer Attend { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}

/// <summary>Input dropout and a residual decoder layer in a model without attention (x_t is the embedding alone).</summary>
[RnnModel(Loss = Loss.CrossEntropy, StartToken = 1, EndToken = 2)]
public partial class PlainDropoutSeq2Seq
{
    [Encoder, Embedding(11, 5)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Lstm(5, ReturnSequences = true), Dropout(0.3)] public partial RecurrentLayer Lower { get; }
    [Encoder, Dropout(0, Input = 0.2), SimpleRnn(5)] public partial RecurrentLayer Upper { get; }
    [Decoder, Embedding(9, 5)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Dropout(0, Input = 0.25), Gru(5), Residual] public partial RecurrentLayer Writer { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}

public sealed class EncoderDecoderModifierTests
{
    private const int B = 3, S = 5, T = 4;
    private static readonly int[] SourceLengths = { 5, 3, 4 };
    private static readonly int[] TargetLengths = { 4, 2, 3 };

    private static (int[] Source, int[] Targets) Data(int sourceVocabulary, int targetVocabulary)
    {
        var random = new Random(11);
        int[] source = Enumerable.Range(0, B * S).Select(_ => random.Next(3, sourceVocabulary)).ToArray();
        int[] targets = Enumerable.Range(0, B * T).Select(_ => random.Next(3, targetVocabulary)).ToArray();
        return (source, targets);
    }

    private static float Loss(IEncoderDecoderModel model, int[] source, int[] targets, Span<float> outputs = default) => model.Forward(new Seq2SeqBatch
    {
        BatchSize = B, SourceSteps = S, Source = source, SourceLengths = SourceLengths, TargetSteps = T, Targets = targets, TargetLengths = TargetLengths,
    }, outputs);

    public static TheoryData<string> Models() => new() { "residual_dropout", "residual", "plain_dropout" };

    private static (IEncoderDecoderModel Model, IReadOnlyList<NamedTensor> Parameters, Action<int> Reset) Create(string name) => name switch
    {
        "residual_dropout" => new ResidualDropoutSeq2Seq(3) is var m ? (m, m.NamedParameters, m.ResetRandom) : default,
        "residual" => new ResidualSeq2Seq(3) is var r ? (r, r.NamedParameters, r.ResetRandom) : default,
        _ => new PlainDropoutSeq2Seq(3) is var p ? (p, p.NamedParameters, p.ResetRandom) : default,
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Gradients_match_finite_differences_with_the_same_dropout_masks(string name)
    {
        // ResetRandom before every pass draws the same dropout masks
        (IEncoderDecoderModel model, IReadOnlyList<NamedTensor> parameters, Action<int> reset) = Create(name);
        (int[] source, int[] targets) = Data(model.SourceVocabularySize, model.TargetVocabularySize);
        EncoderDecoderParityTests.CheckFiniteDifferences(name, model, parameters, () =>
        {
            reset(5);
            return Loss(model, source, targets);
        });
    }

    [Fact]
    public void Dropout_is_deterministic_per_seed_in_training_and_off_in_decoding()
    {
        var dropout = new ResidualDropoutSeq2Seq(3);
        var plain = new ResidualSeq2Seq(3);
        Assert.Equal(dropout.Parameters.ToArray(), plain.Parameters.ToArray());
        (int[] source, int[] targets) = Data(ResidualDropoutSeq2Seq.SourceVocabularySize, ResidualDropoutSeq2Seq.TargetVocabularySize);

        // training: the same seed draws the same masks (a fresh model, or ResetRandom); the next pass draws new ones
        float first = Loss(dropout, source, targets), second = Loss(dropout, source, targets);
        Assert.Equal(first, Loss(new ResidualDropoutSeq2Seq(3), source, targets));
        Assert.NotEqual(first, second);
        dropout.ResetRandom(3);
        Assert.Equal(first, Loss(dropout, source, targets));
        Assert.NotEqual(Loss(plain, source, targets), first);

        // decoding: no dropout, so the same tokens and attention weights as the model without it
        var tokens = new int[B * 6];
        var lengths = new int[B];
        var plainTokens = new int[B * 6];
        var plainLengths = new int[B];
        dropout.Decode(source, B, S, SourceLengths, tokens, 6, lengths);
        plain.Decode(source, B, S, SourceLengths, plainTokens, 6, plainLengths);
        Assert.Equal(plainTokens, tokens);
        Assert.Equal(plainLengths, lengths);
        var output = new int[6];
        var attention = new float[6 * S];
        var plainOutput = new int[6];
        var plainAttention = new float[6 * S];
        int n = dropout.Decode(source.AsSpan(0, S), output, attention);
        Assert.Equal(plain.Decode(source.AsSpan(0, S), plainOutput, plainAttention), n);
        Assert.Equal(plainOutput, output);
        Assert.Equal(plainAttention, attention);
        Assert.Equal(plain.DecodeBeam(source.AsSpan(0, S), plainOutput, 3, out float plainScore), dropout.DecodeBeam(source.AsSpan(0, S), output, 3, out float score));
        Assert.Equal(plainScore, score);
    }
}
