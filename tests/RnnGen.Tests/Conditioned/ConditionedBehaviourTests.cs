using RnnGen.Data;
using RnnGen.Generation;
using RnnGen.IO.Onnx;
using RnnGen.Training;

namespace RnnGen.Tests.Conditioned;

/// <summary>What a conditioned model computes (against a float64 reference), streams, generates, and which arguments it refuses.</summary>
public sealed class ConditionedBehaviourTests
{
    private static float[] Random(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Fact]
    public void Predict_matches_a_float64_reference_of_both_modes()
    {
        var model = new CaptionRnn(seed: 2);
        const int B = 2, T = 3, H = 5, V = 6, C = 3, E = 3;
        int[] tokens = { 1, 4, 2, 5, 0, 3 };
        float[] conditions = Random(B * C, 8);
        var outputs = new float[B * T * V];
        model.Predict(conditions, tokens, B, T, outputs);

        Dictionary<string, double[]> p = model.NamedParameters.ToDictionary(t => t.Name, t => t.Values.ToArray().Select(v => (double)v).ToArray());
        double[] embedding = p["Words.weight"], wih = p["Decoder.weight_ih_l0"], whh = p["Decoder.weight_hh_l0"], bias = p["Decoder.bias_ih_l0"];
        double[] wc = p["Decoder.init_state.weight"], bc = p["Decoder.init_state.bias"], wf = p["Decoder.weight_ic_l0"], wo = p["Next.weight"], bo = p["Next.bias"];
        for (int b = 0; b < B; b++)
        {
            double[] v = Enumerable.Range(0, C).Select(k => (double)conditions[b * C + k]).ToArray();
            // h_0 = tanh(W_c v + b_c); every step: h = tanh(W_ih x + W_hh h + b + W_f v)
            double[] h = Enumerable.Range(0, H).Select(j => Math.Tanh(bc[j] + Enumerable.Range(0, C).Sum(k => wc[j * C + k] * v[k]))).ToArray();
            for (int t = 0; t < T; t++)
            {
                int token = tokens[b * T + t];
                double[] x = Enumerable.Range(0, E).Select(k => embedding[token * E + k]).ToArray();
                h = Enumerable.Range(0, H).Select(j => Math.Tanh(bias[j]
                    + Enumerable.Range(0, E).Sum(k => wih[j * E + k] * x[k])
                    + Enumerable.Range(0, H).Sum(k => whh[j * H + k] * h[k])
                    + Enumerable.Range(0, C).Sum(k => wf[j * C + k] * v[k]))).ToArray();
                double[] z = Enumerable.Range(0, V).Select(o => bo[o] + Enumerable.Range(0, H).Sum(k => wo[o * H + k] * h[k])).ToArray();
                double max = z.Max(), sum = z.Sum(q => Math.Exp(q - max));
                for (int o = 0; o < V; o++)
                {
                    double expected = Math.Exp(z[o] - max) / sum, actual = outputs[(b * T + t) * V + o];
                    Assert.True(Math.Abs(expected - actual) < 1e-5, $"[{b}, {t}, {o}]: reference {expected}, model {actual}");
                }
            }
        }
    }

    [Fact]
    public void Stepping_from_the_condition_gives_what_Predict_gives()
    {
        var gru = new CaptionGru(seed: 4);
        var lstm = new CaptionLstm(seed: 4);
        const int B = 2, T = 4, V = 7;
        int[] tokens = { 1, 2, 3, 4, 6, 5, 0, 1 };
        float[] conditions = Random(B * 4, 9);
        foreach ((Action<float[]> predict, Action<int, int[], float[]> step) in new (Action<float[]>, Action<int, int[], float[]>)[]
        {
            (o => gru.Predict(conditions, tokens, B, T, o), StepWith(gru.CreateState(B), (c, s, t, o) => gru.Step(c, t, o, s), (s, t, o) => gru.Step(t, o, s))),
            (o => lstm.Predict(conditions, tokens, B, T, o), StepWith(lstm.CreateState(B), (c, s, t, o) => lstm.Step(c, t, o, s), (s, t, o) => lstm.Step(t, o, s))),
        })
        {
            var whole = new float[B * T * V];
            predict(whole);
            for (int t = 0; t < T; t++)
            {
                int[] column = { tokens[t], tokens[T + t] };
                var output = new float[B * V];
                step(t, column, output);
                for (int b = 0; b < B; b++)
                {
                    for (int o = 0; o < V; o++)
                    {
                        Assert.Equal(whole[(b * T + t) * V + o], output[b * V + o], 5);
                    }
                }
            }
        }

        Action<int, int[], float[]> StepWith<TState>(TState state, Action<float[], TState, int[], float[]> start, Action<TState, int[], float[]> next)
            => (t, column, output) => { if (t == 0) start(conditions, state, column, output); else next(state, column, output); };
    }

    [Fact]
    public void Generate_restarts_from_the_condition_allocates_nothing_and_beam_width_1_is_greedy()
    {
        var model = new CaptionGru(seed: 6);
        float[] condition = Random(CaptionGru.ConditionSize, 3);
        int[] prefix = { 1, 2 };
        int[] greedy = model.Generate(condition, prefix, 6);
        Assert.Equal(greedy, model.Generate(condition, prefix, 6, new SamplingOptions { BeamWidth = 1 }));
        Assert.NotEqual(greedy, model.Generate(Random(CaptionGru.ConditionSize, 4).Select(v => v * 4).ToArray(), prefix, 6)); // the condition matters

        // the state is restarted from the condition: what it held before does not matter
        CaptionGru.State state = model.CreateState();
        Random(state.Values.Length, 5).CopyTo(state.Values);
        var output = new int[6];
        var sampler = new TokenSampler(SamplingOptions.Greedy);
        model.Generate(condition, prefix, output, sampler, state);
        Assert.Equal(greedy, output);

        var beam = new LanguageModelBeam(3);
        model.Generate(condition, prefix, output, beam, state);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            model.Generate(condition, prefix, output, sampler, state);
            model.Generate(condition, prefix, output, beam, state);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Predict_allocates_nothing_in_steady_state()
    {
        var model = new CaptionLstm(seed: 1);
        int[] tokens = { 1, 2, 3, 4, 5, 6 };
        float[] conditions = Random(2 * CaptionLstm.ConditionSize, 1);
        var outputs = new float[2 * 3 * CaptionLstm.OutputSize];
        model.Predict(conditions, tokens, 2, 3, outputs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) model.Predict(conditions, tokens, 2, 3, outputs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Missing_or_misshapen_conditions_are_refused_naming_the_argument()
    {
        var model = new CaptionLstm(seed: 1);
        int[] tokens = { 1, 2, 3 };
        var outputs = new float[3 * CaptionLstm.OutputSize];
        var missing = Assert.Throws<ArgumentException>(() => model.Predict(default, tokens, 1, 3, outputs));
        Assert.Equal("conditions", missing.ParamName);
        Assert.Contains("ConditionSize = 4", missing.Message);
        var wrong = Assert.Throws<ArgumentException>(() => model.Forward(new float[3], tokens, 1, 3, outputs));
        Assert.Contains("but got 3", wrong.Message);
        Assert.Throws<ArgumentException>(() => model.Generate(new float[5], new[] { 1 }, 2));
        var batch = Assert.Throws<ArgumentException>(() => model.Forward(new SequenceBatch { BatchSize = 1, TimeSteps = 3, Tokens = tokens, ClassTargets = tokens }, default));
        Assert.Equal("batch.Conditions", batch.ParamName);

        // a conditioned model trains from its conditions, never from a carried state
        IStatefulTrainableModel stateful = model;
        var state = Assert.Throws<ArgumentException>(() => stateful.Forward(new SequenceBatch { BatchSize = 1, TimeSteps = 3, Tokens = tokens, ClassTargets = tokens, Conditions = new float[4] }, default, stateful.CreateRecurrentState(1)));
        Assert.Equal("state", state.ParamName);

        // Fit checks that the data set carries conditions of the model's size
        var data = SequenceDataSet.FromTokens(tokens, 1, 3, tokens, targetsPerStep: true);
        Assert.Contains("WithConditions", Assert.Throws<ArgumentException>(() => model.Fit(data, new Adam(0.01f), new FitOptions { Epochs = 1 })).Message);
        Assert.Contains("conditioned on 4", Assert.Throws<ArgumentException>(() => model.Fit(data.WithConditions(new float[2], 2), new Adam(0.01f), new FitOptions { Epochs = 1 })).Message);
        Assert.Throws<ArgumentException>(() => data.WithConditions(new float[] { 1, float.NaN, 0, 0 }, 4));
    }

    [Fact]
    public void Onnx_export_and_import_refuse_a_conditioned_layer_naming_it()
    {
        var model = new CaptionLstm();
        string path = Path.Combine(Path.GetTempPath(), "rnngen-conditioned-" + Guid.NewGuid().ToString("N") + ".onnx");
        Assert.Contains("'Decoder' is [Conditioned]", Assert.Throws<NotSupportedException>(() => model.ExportOnnx(path)).Message);
        Assert.False(File.Exists(path));
        Assert.Contains("'Decoder' is [Conditioned]", Assert.Throws<NotSupportedException>(() => model.LoadOnnxWeights(path)).Message);
        Assert.Equal(4, model.Decoder.ConditionSize);
    }

    [Fact]
    public void Summary_and_weight_names_count_the_condition_weights()
    {
        var model = new CaptionRnn();
        // SimpleRnn(5) on 3 inputs: 5·3 + 5·5 + 5 = 45; W_c [5, 3] + b_c [5] = 20; W_f [5, 3] = 15
        Assert.Equal(45 + 20 + 15, model.Decoder.ParameterCount);
        Assert.Contains("Decoder (SimpleRNN)", model.Summary());
        Assert.Contains(model.NamedParameters, t => t.Name == "Decoder.weight_ic_l0" && t.Shape.SequenceEqual(new[] { 5, 3 }));
        Assert.Contains(model.NamedParameters, t => t.Name == "Decoder.init_state.weight" && t.Shape.SequenceEqual(new[] { 5, 3 }));
        Assert.Equal(CaptionRnn.ParameterCount, model.NamedParameters.Sum(t => t.Length));
    }
}
