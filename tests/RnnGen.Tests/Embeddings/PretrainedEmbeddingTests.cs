using RnnGen.Data;
using RnnGen.Embeddings;

namespace RnnGen.Tests.Embeddings;

public class PretrainedEmbeddingTests
{
    private const int Dimension = 6;

    // word i's vector is i+1, i+1.5, … so each row is recognisable
    private static WordVectors Vectors(int dimension, params string[] words)
    {
        var values = new float[words.Length * dimension];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i / dimension + 1 + 0.5f * (i % dimension);
        }

        return new WordVectors(words, values, dimension);
    }

    private static float[] Row(FrozenTableTagger model, int id) => model.Words.Weight.Values.Span.Slice(id * Dimension, Dimension).ToArray();

    [Fact]
    public void Word_vocabulary_rows_get_their_words_vectors_and_the_rest_keep_their_initial_values()
    {
        WordVocabulary vocabulary = WordVocabulary.Build([["the", "whale", "the", "ship"], ["the", "whale", "harpoon"]], maxSize: 12);
        WordVectors vectors = Vectors(Dimension, "ship", "whale", "sea", "the");
        var model = new FrozenTableTagger(seed: 1);
        float[] before = model.Words.Weight.Values.ToArray();

        int filled = model.Words.LoadVectors(vectors, vocabulary);

        Assert.Equal(3, filled);
        foreach (string word in new[] { "the", "whale", "ship" })
        {
            Assert.Equal(vectors[word].ToArray(), Row(model, vocabulary[word]));
        }

        int harpoon = vocabulary["harpoon"];
        Assert.NotEqual(SpecialTokens.Unknown, harpoon);
        var untouched = Enumerable.Range(0, 12).Where(id => id < SpecialTokens.Count || id == harpoon || id >= vocabulary.Size);
        Assert.All(untouched, id => Assert.Equal(before.AsSpan(id * Dimension, Dimension).ToArray(), Row(model, id)));
    }

    [Fact]
    public void A_token_map_and_a_token_list_put_each_vector_at_its_id()
    {
        WordVectors vectors = Vectors(Dimension, "a", "b", "c");
        var model = new FrozenTableTagger(seed: 2);
        Assert.Equal(2, model.Words.LoadVectors(vectors, new Dictionary<string, int> { ["c"] = 11, ["a"] = 4, ["zz"] = 7 }));
        Assert.Equal(vectors["c"].ToArray(), Row(model, 11));
        Assert.Equal(vectors["a"].ToArray(), Row(model, 4));

        Assert.Equal(2, model.Words.LoadVectors(vectors, new[] { null, "b", "nope", "a" }));
        Assert.Equal(vectors["b"].ToArray(), Row(model, 1));
        Assert.Equal(vectors["a"].ToArray(), Row(model, 3));
    }

    [Fact]
    public void Character_vocabulary_rows_get_the_vectors_of_one_character_words()
    {
        CharacterVocabulary vocabulary = CharacterVocabulary.Build("abcab");
        WordVectors vectors = Vectors(Dimension, "b", "x", "c");
        var model = new FrozenTableTagger(seed: 3);
        Assert.Equal(2, model.Words.LoadVectors(vectors, vocabulary));
        Assert.Equal(vectors["b"].ToArray(), Row(model, vocabulary['b']));
        Assert.Equal(vectors["c"].ToArray(), Row(model, vocabulary['c']));
    }

    [Fact]
    public void A_dimension_mismatch_names_the_layer_and_both_sizes_and_changes_nothing()
    {
        var model = new FrozenTableTagger(seed: 4);
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<ArgumentException>(() => model.Words.LoadVectors(Vectors(5, "a"), new[] { "a" }));
        Assert.Contains("Words", e.Message);
        Assert.Contains("6", e.Message);
        Assert.Contains("got 5", e.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void More_ids_than_table_rows_throws_naming_both_counts_and_changes_nothing()
    {
        var model = new FrozenTableTagger(seed: 5);
        float[] before = model.Parameters.ToArray();
        WordVectors vectors = Vectors(Dimension, "a", "b");
        var e = Assert.Throws<ArgumentException>(() => model.Words.LoadVectors(vectors, new Dictionary<string, int> { ["a"] = 0, ["b"] = 12 }));
        Assert.Contains("Words", e.Message);
        Assert.Contains("12 rows, got 13 ids", e.Message);
        Assert.Throws<ArgumentException>(() => model.Words.LoadVectors(vectors, new Dictionary<string, int> { ["a"] = -1 }));
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void A_float_matrix_replaces_the_table_only_when_its_shape_is_exact()
    {
        var model = new FrozenTableTagger(seed: 6);
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<ArgumentException>(() => model.Words.LoadMatrix(new float[11 * Dimension]));
        Assert.Contains("Words", e.Message);
        Assert.Contains("12 × 6 = 72 values, got 66", e.Message);
        float[] bad = new float[12 * Dimension];
        bad[40] = float.NaN;
        Assert.Throws<ArgumentException>(() => model.Words.LoadMatrix(bad));
        Assert.Equal(before, model.Parameters.ToArray());

        float[] matrix = Enumerable.Range(0, 12 * Dimension).Select(i => i * 0.01f).ToArray();
        model.Words.LoadMatrix(matrix);
        Assert.Equal(matrix, model.Words.Weight.Values.ToArray());
        Assert.Equal(before[(12 * Dimension)..], model.Parameters.ToArray()[(12 * Dimension)..]);
    }
}
