using RnnGen.Training;

namespace RnnGen.Tests.Training;

/// <summary>Each optimizer against its update rule written out independently in float64, for three steps.</summary>
public sealed class OptimizerTests
{
    private static readonly double[][] Grads = { new[] { 0.5, -1.0, 2.0 }, new[] { -0.25, 0.75, 1.5 }, new[] { 1.0, 0.0, -3.0 } };
    private static readonly double[] Start = { 1.0, -2.0, 0.5 };

    private static float[] Run(Optimizer optimizer)
    {
        float[] p = Start.Select(v => (float)v).ToArray();
        foreach (double[] g in Grads) optimizer.Update(p, g.Select(v => (float)v).ToArray());
        return p;
    }

    private static void Close(double[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"[{i}] {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void Sgd_with_momentum_and_nesterov()
    {
        foreach (bool nesterov in new[] { false, true })
        {
            double lr = 0.1, mu = 0.9;
            double[] p = (double[])Start.Clone(), v = new double[3];
            foreach (double[] g in Grads)
            {
                for (int i = 0; i < 3; i++)
                {
                    v[i] = mu * v[i] + g[i];
                    p[i] -= lr * (nesterov ? g[i] + mu * v[i] : v[i]);
                }
            }

            Close(p, Run(new Sgd(0.1f, 0.9f, nesterov)));
        }

        double[] plain = Start.Select((s, i) => s - 0.1 * Grads.Sum(g => g[i])).ToArray();
        Close(plain, Run(new Sgd(0.1f)));
    }

    [Fact]
    public void RmsProp_matches_its_rule()
    {
        double lr = 0.01, rho = 0.9, eps = 1e-7;
        double[] p = (double[])Start.Clone(), s = new double[3];
        foreach (double[] g in Grads)
        {
            for (int i = 0; i < 3; i++)
            {
                s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
                p[i] -= lr * g[i] / (Math.Sqrt(s[i]) + eps);
            }
        }

        Close(p, Run(new RmsProp(0.01f)));
    }

    [Fact]
    public void Adam_matches_its_rule_with_bias_correction()
    {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double[] p = (double[])Start.Clone(), m = new double[3], v = new double[3];
        int t = 0;
        foreach (double[] g in Grads)
        {
            t++;
            for (int i = 0; i < 3; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                p[i] -= lr * (m[i] / (1 - Math.Pow(b1, t))) / (Math.Sqrt(v[i] / (1 - Math.Pow(b2, t))) + eps);
            }
        }

        Close(p, Run(new Adam(0.01f)));
    }

    [Fact]
    public void Clipping_by_norm_and_by_value()
    {
        float[] g = { 3, 4 };
        Assert.Equal(5f, GradientClipping.ClipByGlobalNorm(g, 1f), 5);
        Assert.Equal(0.6f, g[0], 5);
        Assert.Equal(0.8f, g[1], 5);
        float[] small = { 0.3f, 0.4f };
        GradientClipping.ClipByGlobalNorm(small, 1f);
        Assert.Equal(new[] { 0.3f, 0.4f }, small);
        float[] v = { -5, 0.5f, 7 };
        GradientClipping.ClipByValue(v, 1f);
        Assert.Equal(new[] { -1f, 0.5f, 1f }, v);

        // ClipNorm applies inside Update: a step with g = (3, 4), lr 1 moves by the clipped (0.6, 0.8).
        float[] p = { 0, 0 };
        new Sgd(1f) { ClipNorm = 1f }.Update(p, new float[] { 3, 4 });
        Assert.Equal(-0.6f, p[0], 5);
        Assert.Equal(-0.8f, p[1], 5);
    }

    [Fact]
    public void Updates_allocate_nothing_after_the_first_and_reject_another_size()
    {
        foreach (Optimizer optimizer in new Optimizer[] { new Sgd(0.1f, 0.9f), new RmsProp(), new Adam() { ClipNorm = 1, ClipValue = 2 } })
        {
            float[] p = new float[100], g = Enumerable.Range(0, 100).Select(i => i / 100f).ToArray();
            optimizer.Update(p, g);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) optimizer.Update(p, g);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            var ex = Assert.Throws<ArgumentException>(() => optimizer.Update(new float[5], new float[5]));
            Assert.Contains("100", ex.Message);
        }
    }
}
