namespace RnnGen.Tests.Models;

/// <summary>
/// The constructors initialise as DESIGN.md promises: Keras (glorot-uniform input and dense kernels, orthogonal recurrent
/// kernels, zero biases, LSTM forget bias 1, embeddings in ±0.05) or PyTorch (U(±1/√H), dense U(±1/√in), embeddings N(0, 1)),
/// deterministically for a seed.
/// </summary>
public sealed class InitializationTests
{
    private static NamedTensor Tensor(IReadOnlyList<NamedTensor> tensors, string name) => tensors.Single(t => t.Name == name);

    private static void AllWithin(NamedTensor t, double limit)
    {
        float[] v = t.Values.ToArray();
        Assert.All(v, x => Assert.True(Math.Abs(x) <= limit + 1e-7, $"{t.Name}: {x} outside ±{limit}"));
        // Drawn, not constant: the spread uses a good part of the range.
        Assert.True(v.Max() - v.Min() > limit, $"{t.Name}: values span only [{v.Min()}, {v.Max()}] of ±{limit}");
    }

    private static void AllEqual(NamedTensor t, float value, int start = 0, int length = -1)
    {
        float[] v = t.Values.ToArray();
        if (length < 0) length = v.Length - start;
        for (int i = start; i < start + length; i++) Assert.True(v[i] == value, $"{t.Name}[{i}] = {v[i]}, expected {value}");
    }

    /// <summary>W_hh is [G·H, H], Keras's [H, G·H] orthogonal kernel transposed: its H columns are orthonormal.</summary>
    private static void OrthonormalColumns(NamedTensor t)
    {
        int rows = t.Shape[0], H = t.Shape[1];
        float[] w = t.Values.ToArray();
        for (int a = 0; a < H; a++)
        {
            for (int b = 0; b < H; b++)
            {
                double dot = 0;
                for (int r = 0; r < rows; r++) dot += (double)w[r * H + a] * w[r * H + b];
                Assert.True(Math.Abs(dot - (a == b ? 1 : 0)) < 1e-4, $"{t.Name}: column {a} · column {b} = {dot}");
            }
        }
    }

    [Fact]
    public void Keras_initialisation_of_an_LSTM_and_a_dense_layer()
    {
        var model = new Forecaster(seed: 1);
        IReadOnlyList<NamedTensor> p = model.NamedParameters;
        const int H = 32;
        AllWithin(Tensor(p, "Memory.weight_ih_l0"), Math.Sqrt(6.0 / (1 + 4 * H)));
        OrthonormalColumns(Tensor(p, "Memory.weight_hh_l0"));
        NamedTensor bias = Tensor(p, "Memory.bias_ih_l0");
        AllEqual(bias, 0f, 0, H);          // i
        AllEqual(bias, 1f, H, H);          // f: unit_forget_bias
        AllEqual(bias, 0f, 2 * H, 2 * H);  // g, o
        AllWithin(Tensor(p, "Next.weight"), Math.Sqrt(6.0 / (H + 1)));
        AllEqual(Tensor(p, "Next.bias"), 0f);
    }

    [Fact]
    public void Keras_initialisation_of_an_embedding_and_a_bidirectional_GRU()
    {
        var model = new TokenTagger(seed: 3);
        IReadOnlyList<NamedTensor> p = model.NamedParameters;
        AllWithin(Tensor(p, "Words.weight"), 0.05);
        foreach (string d in new[] { "", "_reverse" })
        {
            AllWithin(Tensor(p, "Encoder.weight_ih_l0" + d), Math.Sqrt(6.0 / (8 + 3 * 6)));
            OrthonormalColumns(Tensor(p, "Encoder.weight_hh_l0" + d));
            AllEqual(Tensor(p, "Encoder.bias_ih_l0" + d), 0f);
            AllEqual(Tensor(p, "Encoder.bias_hh_l0" + d), 0f);
        }

        // One random stream through the layers: the two directions get different draws.
        Assert.NotEqual(Tensor(p, "Encoder.weight_hh_l0").Values.ToArray(), Tensor(p, "Encoder.weight_hh_l0_reverse").Values.ToArray());
        AllWithin(Tensor(p, "Tags.weight"), Math.Sqrt(6.0 / (12 + 5)));
    }

    [Fact]
    public void PyTorch_initialisation()
    {
        var model = new TokenTagger(seed: 3, Initializer.PyTorch);
        IReadOnlyList<NamedTensor> p = model.NamedParameters;
        foreach (NamedTensor t in p.Where(t => t.Name.StartsWith("Encoder.", StringComparison.Ordinal)))
        {
            AllWithin(t, 1 / Math.Sqrt(6)); // every recurrent weight and bias, H = 6
        }

        AllWithin(Tensor(p, "Tags.weight"), 1 / Math.Sqrt(12));
        AllWithin(Tensor(p, "Tags.bias"), 1 / Math.Sqrt(12));
        float[] e = Tensor(p, "Words.weight").Values.ToArray(); // 400 draws of N(0, 1)
        double mean = e.Average(), std = Math.Sqrt(e.Select(x => (x - mean) * (x - mean)).Average());
        Assert.InRange(mean, -0.15, 0.15);
        Assert.InRange(std, 0.85, 1.15);
    }

    [Fact]
    public void Peepholes_are_small_uniform_under_Keras_and_the_declared_default_initializer_is_used()
    {
        var keras = new PyTorchDefault(seed: 2, Initializer.Keras);
        AllWithin(Tensor(keras.NamedParameters, "Rnn.weight_peephole_l0"), Math.Sqrt(6.0 / (3 + 6)));
        Assert.Equal(new[] { 3, 6 }, Tensor(keras.NamedParameters, "Rnn.weight_peephole_l0").Shape);

        Assert.Equal(new PyTorchDefault(seed: 2, Initializer.PyTorch).Parameters.ToArray(), new PyTorchDefault(seed: 2).Parameters.ToArray());
        Assert.NotEqual(keras.Parameters.ToArray(), new PyTorchDefault(seed: 2).Parameters.ToArray());
        AllWithin(Tensor(new PyTorchDefault(seed: 2).NamedParameters, "Rnn.weight_peephole_l0"), 1 / Math.Sqrt(6));
    }

    [Fact]
    public void The_seed_decides_every_parameter()
    {
        Assert.Equal(new TokenTagger(seed: 7).Parameters.ToArray(), new TokenTagger(seed: 7).Parameters.ToArray());
        Assert.NotEqual(new TokenTagger(seed: 7).Parameters.ToArray(), new TokenTagger(seed: 8).Parameters.ToArray());

        var model = new Forecaster(seed: 4);
        float[] original = model.Parameters.ToArray();
        model.Parameters.Fill(0.5f);
        model.InitializeParameters(4, Initializer.Keras);
        Assert.Equal(original, model.Parameters.ToArray());
    }

    [Fact]
    public void Layer_views_expose_the_same_memory_as_the_named_parameters()
    {
        var model = new TokenTagger(seed: 1);
        Assert.Equal(TokenTagger.ParameterCount, model.Words.ParameterCount + model.Encoder.ParameterCount + model.Tags.ParameterCount);
        Assert.Equal(12, model.Encoder.OutputSize); // concat of two 6-unit directions
        Assert.True(model.Encoder.Bidirectional);
        Assert.Equal(CellKind.Gru, model.Encoder.Cell);
        model.Tags.Bias.Values.Span[0] = 42f;
        Assert.Equal(42f, model.Parameters[TokenTagger.ParameterCount - 5]);
        Assert.Equal(new[] { 5, 12 }, model.Tags.Weight.Shape);
        Assert.Equal(model.NamedParameters.Select(t => t.Name), model.NamedGradients.Select(t => t.Name));
    }
}
