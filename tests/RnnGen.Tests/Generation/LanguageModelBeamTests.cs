using RnnGen.Generation;
using RnnGen.Tests.Models;

namespace RnnGen.Tests.Generation;

/// <summary>Beam search over a many-to-many token language model against greedy decoding, brute-force enumeration and Predict.</summary>
public sealed class LanguageModelBeamTests
{
    private const int V = 4;

    /// <summary>Σ_s log p(tokens[s]) of <paramref name="tokens"/> after <paramref name="prefix"/>, read from one Predict over the whole sequence.</summary>
    private static double LogProbability(HelloModel model, int[] prefix, int[] tokens)
    {
        int[] sequence = prefix.Concat(tokens.Take(tokens.Length - 1)).ToArray();
        var outputs = new float[sequence.Length * V];
        model.Predict(sequence, 1, sequence.Length, outputs);
        double sum = 0;
        for (int s = 0; s < tokens.Length; s++)
        {
            sum += Math.Log(outputs[(prefix.Length - 1 + s) * V + tokens[s]]);
        }

        return sum;
    }

    [Fact]
    public void Width_1_is_greedy_decoding()
    {
        foreach (int seed in new[] { 1, 2, 3, 4 })
        {
            var model = new HelloModel(seed);
            foreach (int[] prefix in new[] { new[] { 0 }, new[] { 2, 1 }, new[] { 3, 3, 0 } })
            {
                Assert.Equal(model.Generate(prefix, 12), model.Generate(prefix, 12, new SamplingOptions { BeamWidth = 1 }));
            }
        }
    }

    [Fact]
    public void A_beam_of_V_to_the_n_finds_the_brute_force_best_sequence_and_its_log_probability()
    {
        const int n = 4;
        int[] prefix = { 0, 2 };
        foreach (int seed in new[] { 5, 6, 7 })
        {
            var model = new HelloModel(seed);
            double best = double.NegativeInfinity;
            int[] bestTokens = Array.Empty<int>();
            for (int code = 0; code < 256; code++)
            {
                int[] tokens = Enumerable.Range(0, n).Select(s => code >> (2 * s) & 3).ToArray();
                double logP = LogProbability(model, prefix, tokens);
                if (logP > best)
                {
                    best = logP;
                    bestTokens = tokens;
                }
            }

            var output = new int[n];
            float score = model.Generate(prefix, output, new LanguageModelBeam(256), model.CreateState());
            Assert.True(Math.Abs(score - best) < 1e-4, $"seed {seed}: beam score {score}, brute-force best {best}");
            Assert.True(Math.Abs(LogProbability(model, prefix, output) - best) < 1e-4,
                $"seed {seed}: beam [{string.Join(", ", output)}] against brute force [{string.Join(", ", bestTokens)}]");
        }
    }

    [Fact]
    public void The_score_is_the_sum_of_the_log_softmax_of_the_Predict_outputs_and_the_state_follows_the_best_sequence()
    {
        var model = new HelloModel(11);
        int[] prefix = { 1, 3 };
        foreach (int width in new[] { 1, 2, 3, 5 })
        {
            var output = new int[9];
            HelloModel.State state = model.CreateState();
            float score = model.Generate(prefix, output, new LanguageModelBeam(width), state);
            double expected = LogProbability(model, prefix, output);
            Assert.True(Math.Abs(score - expected) < 1e-4, $"width {width}: score {score}, Σ log p from Predict {expected}");

            // the state is left after every generated token but the last, as sampling Generate leaves it
            HelloModel.State stepped = model.CreateState();
            var probabilities = new float[V];
            foreach (int token in prefix.Concat(output.Take(output.Length - 1)))
            {
                model.Step(token, probabilities, stepped);
            }

            Assert.Equal(stepped.Values.ToArray(), state.Values.ToArray());
        }
    }

    [Fact]
    public void A_reused_beam_and_state_allocate_nothing()
    {
        var model = new HelloModel(3);
        var beam = new LanguageModelBeam(3);
        HelloModel.State state = model.CreateState();
        var output = new int[16];
        int[] prefix = { 0, 1 };
        for (int i = 0; i < 3; i++)
        {
            state.Reset();
            model.Generate(prefix, output, beam, state);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            state.Reset();
            model.Generate(prefix, output, beam, state);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Bad_widths_and_options_are_rejected()
    {
        var model = new HelloModel(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LanguageModelBeam(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(new[] { 0 }, 3, new SamplingOptions { BeamWidth = -1 }));
        var mixed = Assert.Throws<ArgumentException>(() => model.Generate(new[] { 0 }, 3, new SamplingOptions { BeamWidth = 2, Temperature = 1f }));
        Assert.Contains("Temperature", mixed.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(ReadOnlySpan<int>.Empty, new int[2], new LanguageModelBeam(2), model.CreateState()));
        Assert.Throws<ArgumentException>(() => model.Generate(new[] { 0 }, new int[2], new LanguageModelBeam(2), new HelloModel.State(2)));
    }
}
