using RnnGen.Embeddings;
using RnnGen.Training;

namespace RnnGen.Tests.Embeddings;

/// <summary>A tagger over a frozen (pretrained) table.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class FrozenTableTagger
{
    [Embedding(12, 6, Trainable = false)] public partial EmbeddingLayer Words { get; }
    [Lstm(8, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
    [Dense(4, Activation.Softmax)] public partial DenseLayer Tags { get; }
}

/// <summary>The same tagger with a trainable table.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class TrainableTableTagger
{
    [Embedding(12, 6)] public partial EmbeddingLayer Words { get; }
    [Lstm(8, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
    [Dense(4, Activation.Softmax)] public partial DenseLayer Tags { get; }
}

public class FrozenEmbeddingTests
{
    private static readonly int[] Ids = { 1, 5, 7, 2, 11, 0, 3, 3, 9, 4, 8, 6 };
    private static readonly int[] Tags = { 0, 1, 2, 3, 0, 1, 1, 2, 3, 0, 2, 1 };

    private static SequenceBatch Batch() => new() { BatchSize = 2, TimeSteps = 6, Tokens = Ids, ClassTargets = Tags };

    [Fact]
    public void A_frozen_table_gets_no_gradient_and_the_other_gradients_match_the_trainable_twin()
    {
        var frozen = new FrozenTableTagger(seed: 4);
        var twin = new TrainableTableTagger(seed: 4);
        Assert.Equal(twin.Parameters.ToArray(), frozen.Parameters.ToArray());

        frozen.ZeroGradients();
        twin.ZeroGradients();
        frozen.Forward(Batch(), default);
        frozen.Backward();
        twin.Forward(Batch(), default);
        twin.Backward();

        int table = 12 * 6;
        Assert.All(frozen.Gradients[..table].ToArray(), g => Assert.Equal(0f, g));
        Assert.Contains(twin.Gradients[..table].ToArray(), g => g != 0f);
        Assert.Equal(twin.Gradients[table..].ToArray(), frozen.Gradients[table..].ToArray());
    }

    [Fact]
    public void Training_leaves_a_frozen_table_bitwise_unchanged_and_trains_the_rest()
    {
        var model = new FrozenTableTagger(seed: 5);
        float[] before = model.Parameters.ToArray();
        var optimizer = new Adam(0.05f);
        for (int step = 0; step < 10; step++)
        {
            model.ZeroGradients();
            model.Forward(Batch(), default);
            model.Backward();
            optimizer.Update(model.Parameters, model.Gradients);
        }

        float[] after = model.Parameters.ToArray();
        int table = 12 * 6;
        Assert.Equal(before[..table], after[..table]);
        Assert.NotEqual(before[table..], after[table..]);
    }

    [Fact]
    public void Summary_counts_a_frozen_table_as_non_trainable_as_keras_does()
    {
        var model = new FrozenTableTagger();
        string summary = model.Summary();
        int total = model.Parameters.Length;
        Assert.Contains($"Total params: {total:N0}", summary);
        Assert.Contains($"Trainable params: {total - 72:N0}", summary);
        Assert.Contains("Non-trainable params: 72", summary);
        Assert.False(model.Words.Trainable);
        Assert.True(new TrainableTableTagger().Words.Trainable);
        Assert.Contains("Non-trainable params: 0", new TrainableTableTagger().Summary());
    }

    [Fact]
    public void Pretrained_vectors_loaded_into_the_table_are_what_the_model_embeds()
    {
        var model = new FrozenTableTagger(seed: 1);
        string[] vocabulary = Enumerable.Range(0, 12).Select(i => $"w{i}").ToArray();
        float[] values = Enumerable.Range(0, 12 * 6).Select(i => MathF.Sin(i)).ToArray();
        var vectors = new WordVectors(vocabulary, values, 6);

        Assert.Equal(12, vectors.CopyTo(vocabulary, model.Words.Weight.Values.Span));
        Assert.Equal(values, model.Parameters[..72].ToArray());

        // the same table written by hand gives the same outputs
        var byHand = new FrozenTableTagger(seed: 1);
        values.CopyTo(byHand.Parameters);
        var a = new float[2 * 6 * 4];
        var b = new float[2 * 6 * 4];
        model.Predict(Ids, 2, 6, a);
        byHand.Predict(Ids, 2, 6, b);
        Assert.Equal(b, a);
    }
}
