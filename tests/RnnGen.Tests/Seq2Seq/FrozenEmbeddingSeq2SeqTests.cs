using RnnGen.Seq2Seq;
using RnnGen.Training;

namespace RnnGen.Tests.Seq2Seq;

/// <summary><see cref="AdditiveLstm"/> with both tables frozen (pretrained source and target embeddings).</summary>
[RnnModel(Loss = Loss.CrossEntropy, StartToken = 1, EndToken = 2)]
public partial class FrozenTablesLstm
{
    [Encoder, Embedding(11, 6, Trainable = false)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Bidirectional, Lstm(5, ReturnSequences = true)] public partial RecurrentLayer Reader { get; }
    [Decoder, Embedding(9, 4, Trainable = false)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Lstm(10)] public partial RecurrentLayer Writer { get; }
    [Attention(AttentionScore.Additive, 7)] public partial AttentionLayer Attend { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}

/// <summary><see cref="PlainLstm"/> with only the target table frozen.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class FrozenTargetLstm
{
    [Encoder, Embedding(11, 6)] public partial EmbeddingLayer Letters { get; }
    [Encoder, Lstm(8)] public partial RecurrentLayer Reader { get; }
    [Decoder, Embedding(9, 4, Trainable = false)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Lstm(8)] public partial RecurrentLayer Writer { get; }
    [Dense(9, Activation.Softmax)] public partial DenseLayer Output { get; }
}

/// <summary>
/// Frozen embeddings inside encoder-decoder models: no gradient, no optimizer update, counted as non-trainable, and every
/// other gradient bit for bit the trainable twin's.
/// </summary>
public sealed class FrozenEmbeddingSeq2SeqTests
{
    private static readonly int[][] Sources = { new[] { 3, 4, 5, 6 }, new[] { 7, 8, 3 }, new[] { 9, 10 }, new[] { 5, 5, 4, 3 } };
    private static readonly int[][] Targets = { new[] { 6, 5, 4, 3 }, new[] { 3, 8, 7 }, new[] { 8, 7 }, new[] { 3, 4, 5, 5 } };

    private static Seq2SeqDataSet Data() => new(Sources, Targets, endToken: 2);

    /// <summary>The gradients of one Forward / Backward of the whole data set (teacher forcing 0.5 draws the same choices in both).</summary>
    private static (float Loss, float[] Gradients) Gradients(IEncoderDecoderModel model)
    {
        model.Gradients.Clear();
        float loss = model.Forward(Data().GetBatch(0, Sources.Length, 0.5f), default);
        model.Backward();
        return (loss, model.Gradients.ToArray());
    }

    private static NamedTensor Tensor(IReadOnlyList<NamedTensor> tensors, string name) => tensors.Single(t => t.Name == name);

    [Fact]
    public void Frozen_tables_get_no_gradient_and_the_other_gradients_equal_the_trainable_twins_bitwise()
    {
        var frozen = new FrozenTablesLstm(seed: 4);
        var twin = new AdditiveLstm(seed: 4);
        Assert.Equal(twin.Parameters.ToArray(), frozen.Parameters.ToArray());
        Assert.Equal(twin.NamedParameters.Select(t => t.Name), frozen.NamedParameters.Select(t => t.Name));

        (float frozenLoss, float[] _) = Gradients(frozen);
        (float twinLoss, float[] _) = Gradients(twin);
        Assert.Equal(BitConverter.SingleToInt32Bits(twinLoss), BitConverter.SingleToInt32Bits(frozenLoss));
        foreach (NamedTensor g in frozen.NamedGradients)
        {
            float[] mine = g.Values.ToArray(), theirs = Tensor(twin.NamedGradients, g.Name).Values.ToArray();
            if (g.Name is "Letters.weight" or "Sounds.weight")
            {
                Assert.All(mine, x => Assert.Equal(0f, x));
                Assert.Contains(theirs, x => x != 0f); // the twin's table does learn from this batch
            }
            else
            {
                Assert.True(theirs.SequenceEqual(mine), $"{g.Name}: the frozen model's gradient differs from the twin's");
                Assert.Contains(mine, x => x != 0f);
            }
        }
    }

    [Fact]
    public void Only_the_frozen_target_table_is_left_out_when_the_source_table_trains()
    {
        var frozen = new FrozenTargetLstm(seed: 7);
        var twin = new PlainLstm(seed: 7);
        Assert.Equal(twin.Parameters.ToArray(), frozen.Parameters.ToArray());
        float[] mine = Gradients(frozen).Gradients, theirs = Gradients(twin).Gradients;
        int start = IndexOf(frozen.NamedParameters, "Sounds.weight"), length = 9 * 4;
        Assert.All(mine[start..(start + length)], x => Assert.Equal(0f, x));
        Assert.Contains(theirs[start..(start + length)], x => x != 0f);
        Assert.Equal(theirs[..start], mine[..start]); // the source table and the encoder
        Assert.Equal(theirs[(start + length)..], mine[(start + length)..]);
        Assert.Contains(mine[..start], x => x != 0f);
    }

    [Fact]
    public void Fit_with_Adam_leaves_frozen_tables_bitwise_unchanged_and_trains_the_rest()
    {
        var model = new FrozenTablesLstm(seed: 5);
        float[] letters = Tensor(model.NamedParameters, "Letters.weight").Values.ToArray();
        float[] sounds = Tensor(model.NamedParameters, "Sounds.weight").Values.ToArray();
        float[] before = model.Parameters.ToArray();
        IReadOnlyList<double> losses = model.Fit(Data(), new Adam(0.05f), new Seq2SeqFitOptions { Epochs = 15, BatchSize = 2, Seed = 3 });

        Assert.Equal(letters, Tensor(model.NamedParameters, "Letters.weight").Values.ToArray());
        Assert.Equal(sounds, Tensor(model.NamedParameters, "Sounds.weight").Values.ToArray());
        foreach (string name in new[] { "Reader.weight_ih_l0", "Writer.weight_hh_l0", "Attend.query.weight", "Output.weight" })
        {
            int at = IndexOf(model.NamedParameters, name), size = Tensor(model.NamedParameters, name).Values.Length;
            Assert.NotEqual(before[at..(at + size)], model.Parameters[at..(at + size)].ToArray());
        }

        Assert.True(losses[^1] < losses[0], $"loss {losses[0]} → {losses[^1]}");
    }

    [Fact]
    public void Summary_counts_frozen_tables_as_non_trainable_as_keras_does()
    {
        var model = new FrozenTablesLstm();
        string summary = model.Summary();
        int total = model.Parameters.Length, frozen = 11 * 6 + 9 * 4;
        Assert.Contains($"Total params: {total:N0}", summary);
        Assert.Contains($"Trainable params: {total - frozen:N0}", summary);
        Assert.Contains($"Non-trainable params: {frozen:N0}", summary);
        Assert.False(model.Letters.Trainable);
        Assert.False(model.Sounds.Trainable);
        Assert.Contains("Non-trainable params: 36", new FrozenTargetLstm().Summary());
        Assert.Contains("Non-trainable params: 0", new AdditiveLstm().Summary());
    }

    /// <summary>Where tensor <paramref name="name"/> starts in the parameter buffer.</summary>
    private static int IndexOf(IReadOnlyList<NamedTensor> tensors, string name)
    {
        int at = 0;
        foreach (NamedTensor t in tensors)
        {
            if (t.Name == name) return at;
            at += t.Values.Length;
        }

        throw new ArgumentException($"no tensor {name}", nameof(name));
    }
}
