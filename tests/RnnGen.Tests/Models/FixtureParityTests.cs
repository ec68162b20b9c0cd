using RnnGen.Tests.Fixtures;

namespace RnnGen.Tests.Models;

/// <summary>Generated models against every PyTorch fixture: forward outputs and final states, and gradients (grads and grads_full).</summary>
public sealed class FixtureParityTests
{
    private const double OutputTolerance = 1e-5, GradientTolerance = 1e-4;

    public static TheoryData<string> Names => new()
    {
        "rnn_tanh", "rnn_relu", "lstm", "gru", "lstm_2layer", "gru_bidirectional", "lstm_bidirectional_2layer", "lstm_large",
        "gru_large", "rnn_tanh_large", "lstm_proj", "lstm_proj_bidirectional_2layer",
    };

    internal static FixtureHarness Harness(string name) => name switch
    {
        "rnn_tanh" => Make(new RnnTanhFixture(), ["Rnn"]),
        "rnn_relu" => Make(new RnnReluFixture(), ["Rnn"]),
        "lstm" => Make(new LstmFixture(), ["Rnn"]),
        "gru" => Make(new GruFixture(), ["Rnn"]),
        "lstm_2layer" => Make(new Lstm2LayerFixture(), ["Layer0", "Layer1"]),
        "gru_bidirectional" => Make(new GruBidirectionalFixture(), ["Rnn"]),
        "lstm_bidirectional_2layer" => Make(new LstmBidirectional2LayerFixture(), ["Layer0", "Layer1"]),
        "lstm_large" => Make(new LstmLargeFixture(), ["Rnn"]),
        "gru_large" => Make(new GruLargeFixture(), ["Rnn"]),
        "rnn_tanh_large" => Make(new RnnTanhLargeFixture(), ["Layer0", "Layer1"]),
        "lstm_proj" => Make(new LstmProjFixture(), ["Rnn"]),
        "lstm_proj_bidirectional_2layer" => Make(new LstmProjBidirectional2LayerFixture(), ["Layer0", "Layer1"]),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_matches_PyTorch(string name)
    {
        Fixture f = Fixture.Load(name);
        FixtureHarness model = Harness(name);
        model.LoadParameters(f);
        int B = f.Batch, T = f.SeqLen;
        float[] inputs = Fixture.ToBatchFirst(f.Tensor("input")).Select(d => (float)d).ToArray();
        float[] outputs = new float[B * T * f.NumDirections * f.OutputUnits];
        float[] state = FixtureHarness.ToState(f, f.Tensor("h0"), f.IsLstm ? f.Tensor("c0") : null);

        model.Forward(inputs, B, T, outputs, state);

        Compare.Close(name + ".output", Fixture.ToBatchFirst(f.Tensor("output")), outputs, OutputTolerance);
        (float[] hn, float[]? cn) = FixtureHarness.FromState(f, state);
        Compare.Close(name + ".h_n", f.Tensor("h_n").Data, hn, OutputTolerance);
        if (f.IsLstm) Compare.Close(name + ".c_n", f.Tensor("c_n").Data, cn, OutputTolerance);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradients_match_PyTorch(string name)
    {
        foreach (bool full in new[] { false, true })
        {
            Fixture f = Fixture.Load(name);
            FixtureHarness model = Harness(name);
            model.LoadParameters(f);
            int B = f.Batch, T = f.SeqLen, I = f.InputSize;
            float[] inputs = Fixture.ToBatchFirst(f.Tensor("input")).Select(d => (float)d).ToArray();
            float[] outputs = new float[B * T * f.NumDirections * f.OutputUnits];
            float[] state = FixtureHarness.ToState(f, f.Tensor("h0"), f.IsLstm ? f.Tensor("c0") : null);
            model.Forward(inputs, B, T, outputs, state);

            float[] dOut = Fixture.ToBatchFirst(f.Tensor("R")).Select(d => (float)d).ToArray();
            float[]? dFinal = full ? FixtureHarness.ToState(f, f.Tensor("R_hn"), f.IsLstm ? f.Tensor("R_cn") : null) : null;
            float[] dInput = new float[B * T * I];
            float[] dInitial = new float[state.Length];
            model.Backward(dOut, dFinal, dInput, dInitial);

            string label = name + (full ? " grads_full" : " grads");
            foreach (NamedTensor g in model.Gradients)
            {
                string local = g.Name[(g.Name.IndexOf('.') + 1)..];
                string member = g.Name[..g.Name.IndexOf('.')];
                int layer = Array.IndexOf(model.Members, member);
                string pytorch = local.Replace("_l0", "_l" + layer);
                Compare.Close($"{label} {g.Name} ({pytorch})", f.Grad(pytorch, full).Data, g.Values.Span, GradientTolerance);
            }

            Compare.Close(label + " input", Fixture.ToBatchFirst(f.Grad("input", full)), dInput, GradientTolerance);
            (float[] dh0, float[]? dc0) = FixtureHarness.FromState(f, dInitial);
            Compare.Close(label + " h0", f.Grad("h0", full).Data, dh0, GradientTolerance);
            if (f.IsLstm) Compare.Close(label + " c0", f.Grad("c0", full).Data, dc0, GradientTolerance);
        }
    }

    private static FixtureHarness Make(ISequenceModel m, string[] members) => new()
    {
        Parameters = m.NamedParameters,
        Gradients = m.NamedGradients,
        Members = members,
        ZeroGradients = m.ZeroGradients,
        Forward = (x, B, T, y, s) =>
        {
            IRecurrentState state = m.CreateRecurrentState(B);
            s.CopyTo(state.Values);
            m.Forward(x, B, T, y, default, state);
            state.Values.CopyTo(s);
        },
        Backward = (dy, df, dx, di) =>
        {
            IRecurrentState initial = m.CreateRecurrentState(BatchOf(m, di.Length));
            IRecurrentState? final = null;
            if (df is not null)
            {
                final = m.CreateRecurrentState(initial.BatchSize);
                df.CopyTo(final.Values);
            }

            m.Backward(dy, final, dx, initial);
            initial.Values.CopyTo(di);
        },
    };

    /// <summary>The batch size whose state has <paramref name="stateLength"/> floats.</summary>
    private static int BatchOf(ISequenceModel m, int stateLength) => stateLength / m.CreateRecurrentState(1).Values.Length;
}
