namespace RnnGen.Tests.Reliability;

/// <summary>Seeded inputs for the reliability tests.</summary>
internal static class TestFloats
{
    /// <summary><paramref name="n"/> floats uniform in [−1, 1), the same for a given <paramref name="seed"/>.</summary>
    public static float[] Uniform(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
