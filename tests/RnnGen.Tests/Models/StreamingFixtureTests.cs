using RnnGen.Tests.Fixtures;

namespace RnnGen.Tests.Models;

/// <summary>
/// Step, the streaming path, against the PyTorch fixtures: fed one step at a time from the fixture's h0/c0 it must
/// reproduce PyTorch's output at every step and h_n/c_n at the end; from a zero state it must give what Predict gives.
/// (Bidirectional fixtures are absent: a bidirectional model has no Step.)
/// </summary>
public sealed class StreamingFixtureTests
{
    private const double OutputTolerance = 1e-5;

    private delegate void StepFn(ReadOnlySpan<float> input, Span<float> output, IRecurrentState state);

    private delegate void PredictFn(ReadOnlySpan<float> inputs, int batch, int time, Span<float> outputs, ReadOnlySpan<int> lengths);

    private sealed record Streamer(FixtureHarness Harness, ISequenceModel Model, StepFn Step, PredictFn Predict);

    public static TheoryData<string> Names => new() { "rnn_tanh", "rnn_relu", "lstm", "gru", "lstm_2layer", "lstm_large", "lstm_proj" };

    private static Streamer Make(string name)
    {
        FixtureHarness harness = FixtureParityTests.Harness(name);
        switch (name)
        {
            case "rnn_tanh": { var m = new RnnTanhFixture(); return new(Bind(harness, m), m, (x, y, s) => m.Step(x, y, (RnnTanhFixture.State)s), m.Predict); }
            case "rnn_relu": { var m = new RnnReluFixture(); return new(Bind(harness, m), m, (x, y, s) => m.Step(x, y, (RnnReluFixture.State)s), m.Predict); }
            case "lstm": { var m = new LstmFixture(); return new(Bind(harness, m), m, (x, y, s) => m.Step(x, y, (LstmFixture.State)s), m.Predict); }
            case "gru": { var m = new GruFixture(); return new(Bind(harness, m), m, (x, y, s) => m.Step(x, y, (GruFixture.State)s), m.Predict); }
            case "lstm_2layer": { var m = new Lstm2LayerFixture(); return new(Bind(harness, m), m, (x, y, s) => m.Step(x, y, (Lstm2LayerFixture.State)s), m.Predict); }
            case "lstm_large": { var m = new LstmLargeFixture(); return new(Bind(harness, m), m, (x, y, s) => m.Step(x, y, (LstmLargeFixture.State)s), m.Predict); }
            case "lstm_proj": { var m = new LstmProjFixture(); return new(Bind(harness, m), m, (x, y, s) => m.Step(x, y, (LstmProjFixture.State)s), m.Predict); }
            default: throw new ArgumentException(name);
        }
    }

    /// <summary>The harness of FixtureParityTests, rebound to this model instance's parameters.</summary>
    private static FixtureHarness Bind(FixtureHarness template, ISequenceModel m) => new()
    {
        Parameters = m.NamedParameters,
        Gradients = m.NamedGradients,
        Members = template.Members,
        ZeroGradients = m.ZeroGradients,
        Forward = template.Forward,
        Backward = template.Backward,
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Stepping_from_h0_reproduces_every_PyTorch_output_and_the_final_state(string name)
    {
        Fixture f = Fixture.Load(name);
        Streamer s = Make(name);
        s.Harness.LoadParameters(f);
        int B = f.Batch, T = f.SeqLen, I = f.InputSize, H = f.OutputUnits;
        float[] input = f.Tensor("input").ToFloat();     // time-major: step t is the [B, I] block t
        double[] expected = f.Tensor("output").Data;      // [T, B, h]
        IRecurrentState state = s.Model.CreateRecurrentState(B);
        FixtureHarness.ToState(f, f.Tensor("h0"), f.IsLstm ? f.Tensor("c0") : null).CopyTo(state.Values);

        float[] output = new float[B * H];
        for (int t = 0; t < T; t++)
        {
            s.Step(input.AsSpan(t * B * I, B * I), output, state);
            Compare.Close($"{name} step {t}", expected.AsSpan(t * B * H, B * H), output, OutputTolerance);
        }

        (float[] hn, float[]? cn) = FixtureHarness.FromState(f, state.Values.ToArray());
        Compare.Close(name + ".h_n after Step", f.Tensor("h_n").Data, hn, OutputTolerance);
        if (f.IsLstm) Compare.Close(name + ".c_n after Step", f.Tensor("c_n").Data, cn, OutputTolerance);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Stepping_from_a_zero_state_gives_what_Predict_gives(string name)
    {
        Fixture f = Fixture.Load(name);
        Streamer s = Make(name);
        s.Harness.LoadParameters(f);
        int B = f.Batch, T = f.SeqLen, I = f.InputSize, H = f.OutputUnits;
        float[] batchFirst = Fixture.ToBatchFirst(f.Tensor("input")).Select(d => (float)d).ToArray();
        float[] predicted = new float[B * T * H];
        s.Predict(batchFirst, B, T, predicted, default);

        float[] timeMajor = f.Tensor("input").ToFloat();
        IRecurrentState state = s.Model.CreateRecurrentState(B);
        float[] output = new float[B * H];
        for (int t = 0; t < T; t++)
        {
            s.Step(timeMajor.AsSpan(t * B * I, B * I), output, state);
            for (int b = 0; b < B; b++)
            {
                double[] row = predicted.AsSpan((b * T + t) * H, H).ToArray().Select(v => (double)v).ToArray();
                Compare.Close($"{name} Predict[{b}, {t}] vs Step", row, output.AsSpan(b * H, H), 1e-6);
            }
        }

        // Predict from a zero state differs from the fixture (which starts at h0 ≠ 0): the comparison above is not vacuous.
        Assert.NotEqual(0f, state.Values.ToArray().Select(Math.Abs).Max());
    }

    [Fact]
    public void Step_after_Reset_starts_over()
    {
        Fixture f = Fixture.Load("lstm_2layer");
        Streamer s = Make("lstm_2layer");
        s.Harness.LoadParameters(f);
        int B = f.Batch, I = f.InputSize, H = f.HiddenSize;
        float[] input = f.Tensor("input").ToFloat();
        IRecurrentState state = s.Model.CreateRecurrentState(B);
        float[] first = new float[B * H], again = new float[B * H];
        s.Step(input.AsSpan(0, B * I), first, state);
        s.Step(input.AsSpan(B * I, B * I), again, state);
        state.Reset();
        Assert.All(state.Values.ToArray(), v => Assert.Equal(0f, v));
        s.Step(input.AsSpan(0, B * I), again, state);
        Assert.Equal(first, again);
    }
}
