using RnnGen.Data;
using RnnGen.Generation;
using RnnGen.Tests.Models;
using RnnGen.Training;

namespace RnnGen.Tests.Generation;

/// <summary>One-to-many generation from a many-to-many token model, and the token sampler it uses.</summary>
public sealed class GenerationTests
{
    /// <summary>The lecture's "hello" character model (h e l o = 0 1 2 3), trained to predict the next character.</summary>
    private static HelloModel TrainHello()
    {
        var data = SequenceDataSet.FromTokens(new[] { 0, 1, 2, 2 }, 1, 4, new[] { 1, 2, 2, 3 }, targetsPerStep: true);
        var model = new HelloModel(seed: 0);
        model.Fit(data, new Adam(0.05f), new FitOptions { Epochs = 100, BatchSize = 1 });
        return model;
    }

    [Fact]
    public void Greedy_generation_primed_with_h_spells_hello()
    {
        HelloModel model = TrainHello();
        Assert.Equal(new[] { 1, 2, 2, 3 }, model.Generate(new[] { 0 }, 4));
        // priming with a longer prefix carries the state: after "hel" comes "lo"
        Assert.Equal(new[] { 2, 3 }, model.Generate(new[] { 0, 1, 2 }, 2));
    }

    [Fact]
    public void Sampling_is_reproducible_for_a_seed_and_top_k_1_is_greedy()
    {
        HelloModel model = TrainHello();
        var hot = new SamplingOptions { Temperature = 3f, Seed = 5 };
        int[] a = model.Generate(new[] { 0 }, 40, hot), b = model.Generate(new[] { 0 }, 40, hot);
        Assert.Equal(a, b);
        Assert.NotEqual(a, model.Generate(new[] { 0 }, 40, hot with { Seed = 6 }));
        int[] greedy = model.Generate(new[] { 2 }, 12);
        Assert.Equal(greedy, model.Generate(new[] { 2 }, 12, new SamplingOptions { Temperature = 2f, TopK = 1, Seed = 1 }));
    }

    [Fact]
    public void Generation_with_a_reused_sampler_and_state_allocates_nothing()
    {
        HelloModel model = TrainHello();
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 0.8f, TopK = 3, Seed = 2 });
        HelloModel.State state = model.CreateState();
        var output = new int[16];
        int[] prefix = { 0, 1 };
        for (int i = 0; i < 3; i++)
        {
            state.Reset();
            model.Generate(prefix, output, sampler, state);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            state.Reset();
            model.Generate(prefix, output, sampler, state);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(ReadOnlySpan<int>.Empty, output, sampler, state));
    }

    [Fact]
    public void Temperature_sampling_follows_p_to_the_power_1_over_T_and_top_k_keeps_only_the_k_most_likely()
    {
        float[] p = { 0.5f, 0.3f, 0.15f, 0.05f };
        foreach (float temperature in new[] { 1f, 0.5f, 2f })
        {
            var sampler = new TokenSampler(new SamplingOptions { Temperature = temperature, Seed = 3 });
            var counts = new int[4];
            const int N = 40_000;
            for (int i = 0; i < N; i++) counts[sampler.Next(p)]++;
            double[] expected = p.Select(x => Math.Pow(x, 1 / temperature)).ToArray();
            double total = expected.Sum();
            for (int k = 0; k < 4; k++)
            {
                double e = expected[k] / total, observed = counts[k] / (double)N;
                Assert.True(Math.Abs(observed - e) < 0.01, $"T = {temperature}: token {k} drawn {observed:F4} of the time, expected {e:F4}");
            }
        }

        var topTwo = new TokenSampler(new SamplingOptions { Temperature = 1f, TopK = 2, Seed = 4 });
        var seen = new int[4];
        for (int i = 0; i < 10_000; i++) seen[topTwo.Next(p)]++;
        Assert.Equal(0, seen[2] + seen[3]);
        Assert.True(Math.Abs(seen[0] / 10_000.0 - 0.625) < 0.02, $"top-2: token 0 drawn {seen[0]} times of 10,000, expected 6,250");

        Assert.Equal(1, TokenSampler.ArgMax(new[] { 0.1f, 0.4f, 0.4f, 0.1f })); // ties: the lowest id
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingOptions { Temperature = -1f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingOptions { TopK = -2 }));
    }
}
