using RnnGen.Baselines;
using RnnGen.Data;

namespace RnnGen.Tests.Data;

public sealed class KneserNeyTests
{
    // Stream a b a b c b (a = 0, b = 1, c = 2), V = 3, order 2, D₁ = D₂ = 0.5.
    // Bigram counts (order 2, raw): ab 2, ba 1, bc 1, cb 1.
    //   contexts: a → total 2, 1 type; b → total 2, 2 types; c → total 1, 1 type.
    // Unigram continuation counts (distinct predecessors): a 1 (b), b 2 (a, c), c 1 (b); total 4, 3 types.
    //   P₁(a) = (1 − 0.5 + 0.5·3·⅓) / 4 = 0.25, P₁(b) = (2 − 0.5 + 0.5) / 4 = 0.5, P₁(c) = 0.25.
    // P₂(b|a) = (2 − 0.5 + 0.5·1·0.5) / 2 = 0.875, P₂(a|a) = P₂(c|a) = 0.5·1·0.25 / 2 = 0.0625.
    // P₂(a|b) = (1 − 0.5 + 0.5·2·0.25) / 2 = 0.375 = P₂(c|b), P₂(b|b) = 0.5·2·0.5 / 2 = 0.25.
    // P₂(b|c) = (1 − 0.5 + 0.5·1·0.5) / 1 = 0.75, P₂(a|c) = P₂(c|c) = 0.5·1·0.25 = 0.125.
    private static readonly int[] Stream = { 0, 1, 0, 1, 2, 1 };

    [Fact]
    public void Probabilities_match_the_hand_worked_bigram_example()
    {
        var model = KneserNeyLanguageModel.Train(Stream, order: 2, vocabularySize: 3, discounts: new[] { 0.5, 0.5 });
        double[][] expected =
        {
            new[] { 0.0625, 0.875, 0.0625 }, // after a
            new[] { 0.375, 0.25, 0.375 },    // after b
            new[] { 0.125, 0.75, 0.125 },    // after c
        };
        for (int h = 0; h < 3; h++)
        {
            for (int w = 0; w < 3; w++)
            {
                Assert.Equal(expected[h][w], Math.Exp(model.LogProbability(new[] { h }, w)), 12);
            }
        }

        Assert.Equal(new[] { 0.25, 0.5, 0.25 }, model.Distribution(ReadOnlySpan<int>.Empty));
        // held-out a b c: P₁(a)·P₂(b|a)·P₂(c|b) = 0.25 · 0.875 · 0.375
        double nats = -(Math.Log(0.25) + Math.Log(0.875) + Math.Log(0.375)) / 3;
        Assert.Equal(Math.Exp(nats), model.Perplexity(new[] { 0, 1, 2 }), 12);
        Assert.Equal(nats / Math.Log(2), model.BitsPerToken(new[] { 0, 1, 2 }), 12);
    }

    [Fact]
    public void Discounts_are_estimated_from_counts_of_counts()
    {
        // order 2 raw counts 2, 1, 1, 1: n₁ = 3, n₂ = 1 → 3/5; order 1 continuation counts 1, 2, 1: n₁ = 2, n₂ = 1 → 2/4
        var model = KneserNeyLanguageModel.Train(Stream, order: 2, vocabularySize: 3);
        Assert.Equal(0.5, model.Discount(1, 1), 12);
        Assert.Equal(0.6, model.Discount(2, 1), 12);
        Assert.Equal(0.6, model.Discount(2, 7), 12); // plain: one discount for every count
    }

    // The same stream, modified KN with D₁ = (0.5, 0.8, 1) and D₂ = (0.5, 1.5, 2) for counts 1, 2, 3+.
    // Order 1: continuation counts a 1, b 2, c 1; total 4; back-off mass 0.5·2 (a, c) + 0.8·1 (b) = 1.8.
    //   P₁(a) = (1 − 0.5 + 1.8·⅓) / 4 = 0.275, P₁(b) = (2 − 0.8 + 0.6) / 4 = 0.45, P₁(c) = 0.275.
    // After a (ab 2; total 2; mass 1.5·1): P(b|a) = (2 − 1.5 + 1.5·0.45) / 2 = 0.5875, P(a|a) = P(c|a) = 1.5·0.275 / 2 = 0.20625.
    // After b (ba 1, bc 1; total 2; mass 0.5·2): P(a|b) = P(c|b) = (0.5 + 0.275) / 2 = 0.3875, P(b|b) = 0.45 / 2 = 0.225.
    // After c (cb 1; total 1; mass 0.5): P(b|c) = 0.5 + 0.5·0.45 = 0.725, P(a|c) = P(c|c) = 0.5·0.275 = 0.1375.
    [Fact]
    public void Modified_probabilities_match_the_hand_worked_example()
    {
        var model = KneserNeyLanguageModel.Train(Stream, 2, 3, new[] { 0.5, 0.8, 1, 0.5, 1.5, 2 }, KneserNeyVariant.Modified);
        double[][] expected =
        {
            new[] { 0.20625, 0.5875, 0.20625 },
            new[] { 0.3875, 0.225, 0.3875 },
            new[] { 0.1375, 0.725, 0.1375 },
        };
        for (int h = 0; h < 3; h++)
        {
            double[] p = model.Distribution(new[] { h });
            for (int w = 0; w < 3; w++) Assert.Equal(expected[h][w], p[w], 12);
        }

        double[] unigram = model.Distribution(ReadOnlySpan<int>.Empty);
        Assert.Equal(new[] { 0.275, 0.45, 0.275 }, unigram.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Modified_discounts_follow_chen_and_goodman()
    {
        // a unigram model counts raw: four tokens once, two twice, one three times, one four times, one five times
        int[] tokens = { 0, 1, 2, 3, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 8 };
        var model = KneserNeyLanguageModel.Train(tokens, 1, 9, variant: KneserNeyVariant.Modified);
        // n₁ 4, n₂ 2, n₃ 1, n₄ 1: Y = 4 / 8 = 0.5; D(1) = 1 − 2·0.5·2/4 = 0.5; D(2) = 2 − 3·0.5·1/2 = 1.25; D(3+) = 3 − 4·0.5·1/1 = 1
        Assert.Equal(0.5, model.Discount(1, 1), 12);
        Assert.Equal(1.25, model.Discount(1, 2), 12);
        Assert.Equal(1.0, model.Discount(1, 3), 12);
        Assert.Equal(1.0, model.Discount(1, 5), 12);
        // P(8) = (5 − 1 + (0.5·4 + 1.25·2 + 1·3)·1/9) / 20
        Assert.Equal((4 + 7.5 / 9) / 20, Math.Exp(model.LogProbability(ReadOnlySpan<int>.Empty, 8)), 12);
    }

    [Fact]
    public void Every_context_gives_a_distribution_that_sums_to_one()
    {
        var random = new Random(7);
        int[] tokens = Enumerable.Range(0, 3000).Select(i => i % 7 == 0 ? random.Next(12) : (i * 5 + random.Next(3)) % 10).ToArray();
        foreach (KneserNeyVariant variant in new[] { KneserNeyVariant.Interpolated, KneserNeyVariant.Modified })
        {
            var model = KneserNeyLanguageModel.Train(tokens, order: 4, vocabularySize: 12, variant: variant);
            AllSumToOne(model, random);
        }
    }

    private static void AllSumToOne(KneserNeyLanguageModel model, Random random)
    {
        for (int trial = 0; trial < 200; trial++)
        {
            int length = trial % 6; // shorter, exact and longer than n − 1, seen and unseen contexts
            int[] context = Enumerable.Range(0, length).Select(_ => random.Next(12)).ToArray();
            double[] p = model.Distribution(context);
            Assert.Equal(1.0, p.Sum(), 10);
            Assert.All(p, v => Assert.True(v > 0));
        }
    }

    [Fact]
    public void A_character_5gram_beats_uniform_and_lower_orders_on_held_out_text()
    {
        string text = string.Concat(Enumerable.Repeat("the whale swam past the ship and the sailors saw the whale. ", 40));
        var vocabulary = CharacterVocabulary.Build(text);
        int[] ids = vocabulary.Encode(text);
        int[] train = ids[..2000], test = ids[2000..];
        double five = KneserNeyLanguageModel.Train(train, 5, vocabulary.Size).BitsPerToken(test);
        double one = KneserNeyLanguageModel.Train(train, 1, vocabulary.Size).BitsPerToken(test);
        double modified = KneserNeyLanguageModel.Train(train, 5, vocabulary.Size, variant: KneserNeyVariant.Modified).BitsPerToken(test);
        Assert.True(five < one, $"5-gram {five} bits vs unigram {one}");
        Assert.True(modified < one, $"modified 5-gram {modified} bits vs unigram {one}");
        Assert.True(one < Math.Log2(vocabulary.Size), $"unigram {one} bits vs uniform {Math.Log2(vocabulary.Size)}");
    }

    [Fact]
    public void Bad_arguments_name_the_argument_and_value()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KneserNeyLanguageModel.Train(new[] { 0, 3 }, 2, 3));
        Assert.Equal("tokens", e.ParamName);
        Assert.Contains("got 3", e.Message);
        Assert.Equal("order", Assert.Throws<ArgumentOutOfRangeException>(() => KneserNeyLanguageModel.Train(Stream, 0, 3)).ParamName);
        Assert.Equal("discounts", Assert.Throws<ArgumentOutOfRangeException>(() => KneserNeyLanguageModel.Train(Stream, 2, 3, new[] { 0.5, 1.5 })).ParamName);
        Assert.Equal("discounts", Assert.Throws<ArgumentException>(() => KneserNeyLanguageModel.Train(Stream, 2, 3, new[] { 0.5, 0.5 }, KneserNeyVariant.Modified)).ParamName);
        Assert.Equal("discounts", Assert.Throws<ArgumentOutOfRangeException>(() => KneserNeyLanguageModel.Train(Stream, 1, 3, new[] { 0.5, 2.5, 1 }, KneserNeyVariant.Modified)).ParamName);
        var model = KneserNeyLanguageModel.Train(Stream, 2, 3);
        Assert.Equal("order", Assert.Throws<ArgumentOutOfRangeException>(() => model.Discount(3, 1)).ParamName);
        Assert.Equal("next", Assert.Throws<ArgumentOutOfRangeException>(() => model.LogProbability(new[] { 0 }, 5)).ParamName);
        Assert.Equal("context", Assert.Throws<ArgumentOutOfRangeException>(() => model.LogProbability(new[] { -1 }, 0)).ParamName);
    }
}
