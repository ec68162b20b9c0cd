using RnnGen.Kernels;

namespace RnnGen.Tests.Kernels;

/// <summary>
/// The cells' forward and backward rows on every vector path (forced through <see cref="VectorLoop.Override"/>) against
/// float64 formulas, for every unit count from 0 to 2 × 16 + 3, so every whole-vector and tail mix runs.
/// </summary>
[Collection(nameof(GemmPathCollection))]
public sealed class CellPathTests
{
    /// <summary>The <see cref="VectorPath"/> names (an internal type cannot be a public test's parameter).</summary>
    public static TheoryData<string> Paths() => new() { "Scalar", "Vector128", "Vector256", "Vector512", "Auto" };

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static float[] Random(Random random, int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();

    private static void Close(double expected, float actual, string what, double tolerance = 2e-6)
        => Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    private static void OnPath(VectorPath path, Action action)
    {
        VectorLoop.Override = path;
        try
        {
            action();
        }
        finally
        {
            VectorLoop.Override = VectorPath.Auto;
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Lstm_forward_and_backward_rows_match_the_equations(string pathName)
    {
        VectorPath path = Enum.Parse<VectorPath>(pathName);
        for (int H = 0; H <= 35; H++)
        {
            foreach (bool peepholes in new[] { false, true })
            {
                var random = new Random(H * 2 + (peepholes ? 1 : 0));
                float[] pre = Random(random, 4 * H, 4), c0 = Random(random, H, 2), peep = peepholes ? Random(random, 3 * H, 0.5) : Array.Empty<float>();
                float[] gates = (float[])pre.Clone(), cell = (float[])c0.Clone(), hidden = new float[H];
                OnPath(path, () => LstmCell.Forward(gates, cell, hidden, peep, H));
                var tanhC = new float[H];
                for (int j = 0; j < H; j++)
                {
                    double i = Sigmoid(pre[j] + (peepholes ? peep[j] * c0[j] : 0));
                    double f = Sigmoid(pre[H + j] + (peepholes ? peep[H + j] * c0[j] : 0));
                    double g = Math.Tanh(pre[2 * H + j]);
                    double c = f * c0[j] + i * g;
                    double o = Sigmoid(pre[3 * H + j] + (peepholes ? peep[2 * H + j] * c : 0));
                    string at = $"{path}, H = {H}, peepholes {peepholes}, j = {j}";
                    Close(i, gates[j], "i " + at);
                    Close(f, gates[H + j], "f " + at);
                    Close(g, gates[2 * H + j], "g " + at);
                    Close(o, gates[3 * H + j], "o " + at);
                    Close(c, cell[j], "c " + at);
                    Close(o * Math.Tanh(c), hidden[j], "h " + at);
                    tanhC[j] = (float)Math.Tanh(cell[j]);
                }

                float[] dh = Random(random, H, 1), dc = Random(random, H, 1), dz = new float[4 * H];
                float[] dcIn = (float[])dc.Clone();
                OnPath(path, () => LstmCell.Backward(gates, c0, tanhC, dh, dc, dz, peep, H));
                for (int j = 0; j < H; j++)
                {
                    double i = gates[j], f = gates[H + j], g = gates[2 * H + j], o = gates[3 * H + j], tc = tanhC[j];
                    double dzo = dh[j] * tc * o * (1 - o);
                    double dcj = dcIn[j] + dh[j] * o * (1 - tc * tc) + (peepholes ? dzo * peep[2 * H + j] : 0);
                    double dzi = dcj * g * i * (1 - i), dzf = dcj * c0[j] * f * (1 - f), dzg = dcj * i * (1 - g * g);
                    double dcPrev = dcj * f + (peepholes ? dzi * peep[j] + dzf * peep[H + j] : 0);
                    string at = $"{path}, H = {H}, peepholes {peepholes}, j = {j}";
                    Close(dzi, dz[j], "∂i " + at);
                    Close(dzf, dz[H + j], "∂f " + at);
                    Close(dzg, dz[2 * H + j], "∂g " + at);
                    Close(dzo, dz[3 * H + j], "∂o " + at);
                    Close(dcPrev, dc[j], "∂c_prev " + at);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Gru_forward_and_backward_rows_match_the_equations(string pathName)
    {
        VectorPath path = Enum.Parse<VectorPath>(pathName);
        for (int H = 0; H <= 35; H++)
        {
            var random = new Random(1000 + H);
            float[] pre = Random(random, 3 * H, 3), recurrent = Random(random, 3 * H, 3), h0 = Random(random, H, 1);
            float[] gates = (float[])pre.Clone(), hidden = (float[])h0.Clone(), hn = new float[H];
            OnPath(path, () => GruCell.ForwardResetAfter(gates, recurrent, hn, hidden, H));
            for (int j = 0; j < H; j++)
            {
                double r = Sigmoid(pre[j] + recurrent[j]), z = Sigmoid(pre[H + j] + recurrent[H + j]);
                double n = Math.Tanh(pre[2 * H + j] + r * recurrent[2 * H + j]);
                string at = $"{path}, H = {H}, j = {j}";
                Close(r, gates[j], "r " + at);
                Close(z, gates[H + j], "z " + at);
                Close(n, gates[2 * H + j], "n " + at);
                Assert.Equal(recurrent[2 * H + j], hn[j]);
                Close((1 - z) * n + z * h0[j], hidden[j], "h " + at);
            }

            foreach (bool resetAfter in new[] { false, true })
            {
                foreach (bool withOutput in new[] { false, true })
                {
                    float[] dh = Random(random, H, 1), dOut = withOutput ? Random(random, H, 1) : Array.Empty<float>();
                    float[] di = Random(random, 3 * H, 1), dhh = Random(random, 3 * H, 1), direct = new float[H];
                    float[] diIn = (float[])di.Clone(), dhhIn = (float[])dhh.Clone();
                    OnPath(path, () => GruCell.Backward(resetAfter, gates, h0, hn, dh, dOut, di, dhh, direct, H));
                    for (int j = 0; j < H; j++)
                    {
                        double r = gates[j], z = gates[H + j], n = gates[2 * H + j];
                        double g = dh[j] + (withOutput ? dOut[j] : 0);
                        double dzPre = g * (h0[j] - n) * z * (1 - z), dnPre = g * (1 - z) * (1 - n * n);
                        string at = $"{path}, H = {H}, reset-after {resetAfter}, ∂output {withOutput}, j = {j}";
                        Close(g * z, direct[j], "∂h direct " + at);
                        Close(dzPre, di[H + j], "∂z " + at);
                        Close(dnPre, di[2 * H + j], "∂n " + at);
                        if (resetAfter)
                        {
                            double drPre = dnPre * hn[j] * r * (1 - r);
                            Close(drPre, di[j], "∂r " + at);
                            Close(drPre, dhh[j], "∂r (hh) " + at);
                            Close(dzPre, dhh[H + j], "∂z (hh) " + at);
                            Close(dnPre * r, dhh[2 * H + j], "∂hn " + at);
                        }
                        else
                        {
                            // reset-before: ∂r follows the n-gate product (GruKernel); ∂a_hh is not used
                            Assert.Equal(diIn[j], di[j]);
                            Assert.Equal(dhhIn[j], dhh[j]);
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void The_512_bit_path_gives_the_256_bit_numbers()
    {
        // with FMA both widths run the same fused multiply-adds: a model's numbers do not depend on the machine's width
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return;
        }

        const int H = 48;
        var random = new Random(9);
        float[] pre = Random(random, 4 * H, 4), c0 = Random(random, H, 2), peep = Random(random, 3 * H, 0.5);
        float[] Run(VectorPath path)
        {
            float[] gates = (float[])pre.Clone(), cell = (float[])c0.Clone(), hidden = new float[H];
            OnPath(path, () => LstmCell.Forward(gates, cell, hidden, peep, H));
            return gates.Concat(cell).Concat(hidden).ToArray();
        }

        Assert.Equal(Run(VectorPath.Vector256), Run(VectorPath.Vector512));
        Assert.NotEqual(Run(VectorPath.Vector256), Run(VectorPath.Scalar)); // the scalar reference uses exp and tanh, not the rational forms
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Activations_match_the_double_reference_on_every_path(string pathName)
    {
        VectorPath path = Enum.Parse<VectorPath>(pathName);
        var random = new Random(4);
        for (int length = 0; length <= 35; length++)
        {
            float[] x = Random(random, length, 20), s = new float[length], t = new float[length];
            OnPath(path, () =>
            {
                Activations.Sigmoid(x, s);
                Activations.Tanh(x, t);
            });
            for (int i = 0; i < length; i++)
            {
                Close(Sigmoid(x[i]), s[i], $"σ({x[i]}) on {path}, length {length}");
                Close(Math.Tanh(x[i]), t[i], $"tanh({x[i]}) on {path}, length {length}");
            }
        }
    }
}
