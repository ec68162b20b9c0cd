using RnnGen.Kernels;

namespace RnnGen.Tests.Kernels;

/// <summary>The element-wise activations against Math in double, for every length 0…40 (every vector tail) and extreme inputs.</summary>
public sealed class ActivationTests
{
    [Fact]
    public void Sigmoid_and_tanh_match_the_double_reference_at_every_length()
    {
        var random = new Random(3);
        for (int length = 0; length <= 40; length++)
        {
            float[] x = new float[length];
            for (int i = 0; i < length; i++) x[i] = (float)(random.NextDouble() * 40 - 20);
            if (length > 2) { x[0] = 90; x[1] = -90; }

            float[] s = new float[length], t = new float[length];
            Activations.Sigmoid(x, s);
            Activations.Tanh(x, t);
            for (int i = 0; i < length; i++)
            {
                double sigmoid = 1 / (1 + Math.Exp(-x[i]));
                Assert.True(Math.Abs(s[i] - sigmoid) <= 1e-6, $"sigmoid({x[i]}) = {s[i]}, expected {sigmoid} (length {length})");
                Assert.True(Math.Abs(t[i] - Math.Tanh(x[i])) <= 1e-6, $"tanh({x[i]}) = {t[i]}, expected {Math.Tanh(x[i])} (length {length})");
            }
        }
    }

    [Fact]
    public void Relu_and_softmax_rows()
    {
        float[] v = { -1, 0, 2, 1, 1, 1 };
        Activations.Apply(Activation.Relu, v, 3);
        Assert.Equal(new float[] { 0, 0, 2, 1, 1, 1 }, v);
        float[] z = { 1, 2, 3, 1000, 1000, 1000 };
        Activations.Apply(Activation.Softmax, z, 3);
        double e = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Assert.Equal(Math.Exp(3) / e, z[2], 6);
        Assert.Equal(1 / 3.0, z[4], 6); // large logits stay finite
    }
}
