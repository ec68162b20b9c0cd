using RnnGen.Embeddings;
using RnnGen.Initialization;

namespace RnnGen.Tests.Embeddings;

public class Word2VecTests
{
    // A corpus with known structure: each sentence names one person and words of that person's three attributes.
    private static readonly string[][] Gender = { new[] { "he", "his", "him", "himself", "sir" }, new[] { "she", "her", "hers", "herself", "madam" } };
    private static readonly string[][] Rank = { new[] { "crown", "throne", "palace", "reign", "royal" }, new[] { "village", "market", "farm", "cottage", "labour" } };
    private static readonly string[][] Age = { new[] { "work", "tax", "marriage", "office", "wine" }, new[] { "school", "toy", "play", "lesson", "games" } };

    private static readonly (string Word, int Gender, int Rank, int Age)[] People =
    {
        ("king", 0, 0, 0), ("queen", 1, 0, 0), ("man", 0, 1, 0), ("woman", 1, 1, 0),
        ("prince", 0, 0, 1), ("princess", 1, 0, 1), ("boy", 0, 1, 1), ("girl", 1, 1, 1),
    };

    private static List<IReadOnlyList<string>> Corpus(int sentences, long seed)
    {
        var random = new DeterministicRandom(seed);
        var corpus = new List<IReadOnlyList<string>>();
        for (int s = 0; s < sentences; s++)
        {
            var person = People[random.NextInt(People.Length)];
            var words = new List<string> { person.Word };
            for (int k = 0; k < 3; k++)
            {
                words.Add(Gender[person.Gender][random.NextInt(5)]);
                words.Add(Rank[person.Rank][random.NextInt(5)]);
                words.Add(Age[person.Age][random.NextInt(5)]);
            }

            string[] shuffled = words.ToArray();
            random.Shuffle(shuffled.AsSpan());
            corpus.Add(shuffled);
        }

        return corpus;
    }

    private static Word2VecOptions Options(Word2VecArchitecture architecture, int threads = 1) => new()
    {
        Architecture = architecture, Dimensions = 24, Window = 5, Epochs = 5, MinCount = 1, Subsample = 0, Seed = 3, Threads = threads,
    };

    // (word, related, unrelated): related words share the attribute the corpus ties them to, unrelated ones the opposite value.
    private static readonly (string Word, string Related, string Unrelated)[] Pairs =
    {
        ("crown", "throne", "farm"), ("palace", "reign", "cottage"), ("village", "market", "royal"),
        ("school", "toy", "tax"), ("wine", "office", "games"), ("he", "him", "she"), ("her", "herself", "his"),
        ("king", "crown", "village"), ("girl", "school", "office"), ("queen", "she", "he"),
    };

    [Theory]
    [InlineData(Word2VecArchitecture.SkipGram)]
    [InlineData(Word2VecArchitecture.Cbow)]
    public void Trained_vectors_rank_related_words_above_unrelated_ones(Word2VecArchitecture architecture)
    {
        WordVectors vectors = Word2Vec.Train(Corpus(3000, 1), Options(architecture));
        var wrong = Pairs.Where(p => vectors.Similarity(p.Word, p.Related) <= vectors.Similarity(p.Word, p.Unrelated))
            .Select(p => $"{p.Word}: {p.Related} {vectors.Similarity(p.Word, p.Related):F3} ≤ {p.Unrelated} {vectors.Similarity(p.Word, p.Unrelated):F3}")
            .ToList();
        Assert.Empty(wrong);
    }

    [Fact]
    public void The_analogy_king_minus_man_plus_woman_is_queen()
    {
        WordVectors vectors = Word2Vec.Train(Corpus(3000, 1), Options(Word2VecArchitecture.SkipGram));
        var answers = vectors.Analogy("man", "king", "woman", count: 3);
        Assert.Equal("queen", answers[0].Word);
        Assert.DoesNotContain(answers, a => a.Word is "man" or "king" or "woman");
    }

    [Fact]
    public void Two_threads_train_vectors_as_good_as_one()
    {
        WordVectors vectors = Word2Vec.Train(Corpus(3000, 2), Options(Word2VecArchitecture.SkipGram, threads: 2));
        Assert.All(Pairs, p => Assert.True(vectors.Similarity(p.Word, p.Related) > vectors.Similarity(p.Word, p.Unrelated), p.ToString()));
    }

    [Fact]
    public void One_thread_is_bitwise_repeatable_and_the_seed_matters()
    {
        var corpus = Corpus(300, 4);
        float[] a = Word2Vec.Train(corpus, Options(Word2VecArchitecture.Cbow)).Matrix.ToArray();
        float[] b = Word2Vec.Train(corpus, Options(Word2VecArchitecture.Cbow)).Matrix.ToArray();
        float[] c = Word2Vec.Train(corpus, Options(Word2VecArchitecture.Cbow) with { Seed = 4 }).Matrix.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void The_vocabulary_is_ordered_by_frequency_and_min_count_drops_rare_words()
    {
        var corpus = new List<IReadOnlyList<string>> { new[] { "b", "a", "a", "c", "a", "b" }, new[] { "d" } };
        WordVectors vectors = Word2Vec.Train(corpus, new Word2VecOptions { Dimensions = 4, MinCount = 2, Epochs = 1, Threads = 1 });
        Assert.Equal(new[] { "a", "b" }, vectors.Words);
        Assert.False(vectors.Contains("c"));
    }

    [Fact]
    public void Nearest_neighbours_are_sorted_and_leave_the_query_out()
    {
        var words = new[] { "x", "y", "z", "w" };
        float[] m = { 1, 0, 0.9f, 0.1f, 0, 1, -1, 0 };
        var vectors = new WordVectors(words, m, 2);
        var nearest = vectors.Nearest("x", 3);
        Assert.Equal(new[] { "y", "z", "w" }, nearest.Select(n => n.Word));
        Assert.Equal(0.9f / MathF.Sqrt(0.82f), nearest[0].Similarity, 5);
        Assert.Equal(-1f, nearest[2].Similarity, 5);
    }

    [Theory]
    [InlineData(WordVectorFormat.Word2Vec)]
    [InlineData(WordVectorFormat.GloVe)]
    public void Text_files_round_trip_bitwise(WordVectorFormat format)
    {
        WordVectors vectors = Word2Vec.Train(Corpus(200, 5), Options(Word2VecArchitecture.SkipGram));
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-vectors-{Guid.NewGuid():N}.txt");
        try
        {
            WordVectorFiles.Save(vectors, path, format);
            Assert.Equal(format == WordVectorFormat.Word2Vec, File.ReadLines(path).First() == $"{vectors.Count} {vectors.Dimensions}");
            WordVectors read = WordVectorFiles.Load(path);
            Assert.Equal(vectors.Words, read.Words);
            Assert.Equal(vectors.Matrix.ToArray(), read.Matrix.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("2 3\na 1 2 3\n", "header declares 2 words")]
    [InlineData("a 1 2 3\nb 1 2\n", "line 2: expected a word and 3 values")]
    [InlineData("a 1 2\na 3 4\n", "line 2: the word \"a\" appeared already on line 1")]
    [InlineData("a 1 NaN\n", "line 1: value 2 of \"a\" is \"NaN\"")]
    [InlineData("a 1 x\n", "line 1: value 2 of \"a\" is \"x\"")]
    public void Malformed_files_name_the_file_and_the_line(string text, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-bad-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, text);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => WordVectorFiles.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains(expected, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Pretrained_vectors_fill_an_embedding_matrix_by_vocabulary()
    {
        var vectors = new WordVectors(new[] { "whale", "sea" }, new float[] { 1, 2, 3, 4 }, 2);
        var weights = new float[3 * 2];
        weights.AsSpan().Fill(-7);
        int filled = vectors.CopyTo(new[] { "<pad>", "sea", "whale" }, weights);
        Assert.Equal(2, filled);
        Assert.Equal(new float[] { -7, -7, 3, 4, 1, 2 }, weights);
    }

    [Fact]
    public void Bad_options_and_inputs_name_the_member()
    {
        var corpus = Corpus(10, 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Word2Vec.Train(corpus, new Word2VecOptions { Dimensions = 0 }));
        Assert.Contains("Dimensions", e.Message);
        Assert.Throws<ArgumentException>(() => Word2Vec.Train(corpus, new Word2VecOptions { MinCount = 1_000_000 }));
        var vectors = new WordVectors(new[] { "a" }, new float[] { 1 }, 1);
        var k = Assert.Throws<KeyNotFoundException>(() => vectors.Similarity("a", "zebra"));
        Assert.Contains("zebra", k.Message);
        Assert.Throws<ArgumentException>(() => new WordVectors(new[] { "a", "a" }, new float[2], 1));
        Assert.Throws<ArgumentException>(() => new WordVectors(new[] { "a" }, new[] { float.PositiveInfinity }, 1));
    }
}
