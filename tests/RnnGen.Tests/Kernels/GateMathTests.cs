using System.Runtime.Intrinsics;
using RnnGen.Kernels;

namespace RnnGen.Tests.Kernels;

/// <summary>The fused gate kernels against float64 formulas: every length around the vector width, with and without peepholes.</summary>
public sealed class GateMathTests
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void Vector_sigmoid_and_tanh_are_accurate_over_their_range()
    {
        double sigmoid = 0, tanh = 0;
        bool inRange = true;
        for (double x = -60; x <= 60; x += 0.0071)
        {
            sigmoid = Math.Max(sigmoid, Math.Abs(GateMath.Sigmoid(Vector256.Create((float)x)).GetElement(0) - Sigmoid((float)x)));
            tanh = Math.Max(tanh, Math.Abs(GateMath.Tanh(Vector256.Create((float)x)).GetElement(0) - Math.Tanh((float)x)));
            float s = GateMath.Sigmoid(Vector256.Create((float)x)).GetElement(0), t = GateMath.Tanh(Vector256.Create((float)x)).GetElement(0);
            inRange &= s is >= 0 and <= 1 && t is >= -1 and <= 1 && -t == GateMath.Tanh(Vector256.Create(-(float)x)).GetElement(0);
        }

        Assert.True(sigmoid < 2e-7, $"sigmoid: absolute error {sigmoid}");
        // The rational tanh (one division, fused multiply-adds) is within 2.4e-7 of tanh: four float ulps near ±1, where
        // a gate's value has an ulp of 6e-8 — the price of about 40 % less time per LSTM row than the exp form (W1 step).
        Assert.True(tanh < 2.5e-7, $"tanh: absolute error {tanh}");
        Assert.True(inRange, "σ must stay in [0, 1] and tanh in [−1, 1], and tanh must be odd");
        Assert.Equal(0f, GateMath.Tanh(Vector256.Create(0f)).GetElement(0));
        Assert.True(GateMath.Tanh(Vector256.Create(-3f)).GetElement(0) < 0);
    }

    [Fact]
    public void The_512_bit_sigmoid_and_tanh_give_the_256_bit_results_in_every_lane()
    {
        // the rows take 16 units at a time on AVX-512 machines, 8 at a time elsewhere: both must agree (same coefficients,
        // same fused multiply-adds), so a model's numbers do not depend on the machine's vector width
        var random = new Random(5);
        for (int trial = 0; trial < 2000; trial++)
        {
            float[] x = Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() * 40 - 20)).ToArray();
            Vector512<float> t = GateMath.Tanh(Vector512.Create(x)), s = GateMath.Sigmoid(Vector512.Create(x));
            for (int lane = 0; lane < 16; lane++)
            {
                float t256 = GateMath.Tanh(Vector256.Create(x[lane])).GetElement(0), s256 = GateMath.Sigmoid(Vector256.Create(x[lane])).GetElement(0);
                // the 512-bit form fuses its multiply-adds on every machine (emulated without AVX-512), the 256-bit one where FMA exists
                double tolerance = System.Runtime.Intrinsics.X86.Fma.IsSupported ? 0 : 1e-7;
                Assert.True(Math.Abs(t.GetElement(lane) - t256) <= tolerance && Math.Abs(s.GetElement(lane) - s256) <= tolerance,
                    $"x = {x[lane]}: tanh {t.GetElement(lane)} vs {t256}, sigmoid {s.GetElement(lane)} vs {s256}");
            }
        }
    }

    [Fact]
    public void NaN_goes_through_tanh_and_sigmoid_at_both_widths()
    {
        // the clamp to ±7.9 uses the processor's min/max with the limit first, so a NaN pre-activation is not turned into ±1
        float[] x = Enumerable.Range(0, 16).Select(i => i % 3 == 0 ? float.NaN : i - 8f).ToArray();
        Vector512<float> t512 = GateMath.Tanh(Vector512.Create(x)), s512 = GateMath.Sigmoid(Vector512.Create(x));
        for (int lane = 0; lane < 16; lane++)
        {
            float t256 = GateMath.Tanh(Vector256.Create(x[lane])).GetElement(0), s256 = GateMath.Sigmoid(Vector256.Create(x[lane])).GetElement(0);
            Assert.Equal(float.IsNaN(x[lane]), float.IsNaN(t256));
            Assert.Equal(float.IsNaN(x[lane]), float.IsNaN(s256));
            Assert.Equal(float.IsNaN(x[lane]), float.IsNaN(t512.GetElement(lane)));
            Assert.Equal(float.IsNaN(x[lane]), float.IsNaN(s512.GetElement(lane)));
        }

        // ±∞ clamp like any large value
        Assert.Equal(GateMath.Tanh(Vector256.Create(100f)).GetElement(0), GateMath.Tanh(Vector256.Create(float.PositiveInfinity)).GetElement(0));
        Assert.Equal(GateMath.Tanh(Vector256.Create(-100f)).GetElement(0), GateMath.Tanh(Vector256.Create(float.NegativeInfinity)).GetElement(0));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(7, true)]
    [InlineData(8, false)]
    [InlineData(9, true)]
    [InlineData(31, false)]
    [InlineData(32, true)]
    [InlineData(33, false)]
    [InlineData(24, true)]
    [InlineData(47, true)]
    public void Lstm_row_matches_the_equations(int H, bool peepholes)
    {
        var random = new Random(H);
        float[] gates = Enumerable.Range(0, 4 * H).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        float[] cell = Enumerable.Range(0, H).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        float[] peep = peepholes ? Enumerable.Range(0, 3 * H).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray() : Array.Empty<float>();
        float[] pre = (float[])gates.Clone(), c0 = (float[])cell.Clone();
        var hidden = new float[H];
        GateMath.LstmRow(gates, cell, hidden, peep, H);
        for (int j = 0; j < H; j++)
        {
            double i = Sigmoid(pre[j] + (peepholes ? peep[j] * c0[j] : 0));
            double f = Sigmoid(pre[H + j] + (peepholes ? peep[H + j] * c0[j] : 0));
            double g = Math.Tanh(pre[2 * H + j]);
            double c = f * c0[j] + i * g;
            double o = Sigmoid(pre[3 * H + j] + (peepholes ? peep[2 * H + j] * c : 0));
            double h = o * Math.Tanh(c);
            Assert.True(Math.Abs(cell[j] - c) < 1e-6 && Math.Abs(hidden[j] - h) < 1e-6 && Math.Abs(gates[j] - i) < 1e-6 && Math.Abs(gates[3 * H + j] - o) < 1e-6,
                $"H = {H}, j = {j}: c {cell[j]} vs {c}, h {hidden[j]} vs {h}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(25)]
    [InlineData(47)]
    public void Reset_after_gru_row_matches_the_equations(int H)
    {
        var random = new Random(100 + H);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        float[] gates = Random(3 * H), recurrent = Random(3 * H), hidden = Random(H);
        float[] pre = (float[])gates.Clone(), h0 = (float[])hidden.Clone();
        var hn = new float[H];
        RnnGen.Kernels.GateMath.GruRowResetAfter(gates, recurrent, hn, hidden, H);
        for (int j = 0; j < H; j++)
        {
            double r = Sigmoid(pre[j] + recurrent[j]), z = Sigmoid(pre[H + j] + recurrent[H + j]);
            double n = Math.Tanh(pre[2 * H + j] + r * recurrent[2 * H + j]);
            double h = (1 - z) * n + z * h0[j];
            Assert.True(Math.Abs(hidden[j] - h) < 1e-6 && Math.Abs(gates[2 * H + j] - n) < 1e-6 && hn[j] == recurrent[2 * H + j], $"H = {H}, j = {j}: h {hidden[j]} vs {h}");
        }
    }
}
