using System.Runtime.CompilerServices;
using RnnGen.Initialization;

namespace RnnGen.Generation;

/// <summary>Chooses tokens from probability rows (greedy, temperature, top-k). Reusable; allocates only its scratch, once per vocabulary size.</summary>
public sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly DeterministicRandom _random;
    private float[] _weights = Array.Empty<float>();
    private float[] _sorted = Array.Empty<float>();

    /// <summary>Creates a sampler; throws for a negative temperature or top-k.</summary>
    public TokenSampler(SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Temperature >= 0) || float.IsInfinity(options.Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Temperature, $"Temperature: expected a finite value ≥ 0 but got {options.Temperature}.");
        }

        if (options.TopK < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TopK, $"TopK: expected 0 (all tokens) or a positive count but got {options.TopK}.");
        }

        _options = options;
        _random = new DeterministicRandom(options.Seed);
    }

    /// <summary>The index of the largest value (the lowest index among equal ones).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int k = 1; k < values.Length; k++)
        {
            if (values[k] > values[best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>Chooses a token from <paramref name="probabilities"/> (one row, summing to 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Next(ReadOnlySpan<float> probabilities)
    {
        if (_options.Temperature == 0)
        {
            return ArgMax(probabilities);
        }

        int V = probabilities.Length;
        if (_weights.Length < V)
        {
            _weights = new float[V];
            _sorted = new float[V];
        }

        Span<float> w = _weights.AsSpan(0, V);
        int k = _options.TopK == 0 || _options.TopK >= V ? V : _options.TopK;

        // p^(1/T) ∝ softmax(log p / T), computed relative to the largest p for range
        float max = probabilities[ArgMax(probabilities)];
        double inverse = 1.0 / _options.Temperature;
        for (int i = 0; i < V; i++)
        {
            w[i] = probabilities[i] <= 0 ? 0f : (float)Math.Pow(probabilities[i] / max, inverse);
        }

        if (k < V)
        {
            // keep the k largest: above the k-th largest value, and at it the lowest ids first
            Span<float> sorted = _sorted.AsSpan(0, V);
            w.CopyTo(sorted);
            sorted.Sort();
            float threshold = sorted[V - k];
            int above = 0;
            for (int i = 0; i < V; i++)
            {
                if (w[i] > threshold)
                {
                    above++;
                }
            }

            int atThreshold = k - above;
            for (int i = 0; i < V; i++)
            {
                if (w[i] < threshold || (w[i] == threshold && atThreshold-- <= 0))
                {
                    w[i] = 0f;
                }
            }
        }

        double total = 0;
        for (int i = 0; i < V; i++)
        {
            total += w[i];
        }

        double r = _random.NextDouble() * total;
        for (int i = 0; i < V; i++)
        {
            r -= w[i];
            if (r < 0 && w[i] > 0)
            {
                return i;
            }
        }

        return ArgMax(w);
    }
}
