using RnnGen.Generated;
using RnnGen.Tests.Models;

namespace RnnGen.Tests.Generated;

/// <summary>
/// The runtime core with a hand-written network (what the generator would emit for one Dense layer on float inputs):
/// its consistency checks, and its glue against the layer's formula computed here.
/// </summary>
public sealed class SequentialCoreTests
{
    private readonly struct DenseShape : IDenseShape
    {
        public static int InputSize => 3;
        public static int Units => 2;
        public static Activation Activation => Activation.Tanh;
        public static bool Sequence => true;
        public static int ParameterOffset => 0;
    }

    private readonly struct MisplacedShape : IDenseShape
    {
        public static int InputSize => 3;
        public static int Units => 2;
        public static Activation Activation => Activation.Tanh;
        public static int ParameterOffset => 1;
    }

    private struct Network : ISequentialNetwork<Network>
    {
        public LayerBuffers Out;

        public static NetworkInfo Info => new(3, 0, 2, 8, true, 0, Loss.None);

        public static void Lay(ref Network L, ref WorkspaceBuilder b) => b.Dense<DenseShape>(ref L.Out);

        public static void Forward(in Network L, in SequencePass f) => LayerOps.Dense<DenseShape>(f, f.Input, L.Out, last: true);

        public static void Backward(in Network L, in SequencePass f) => LayerOps.DenseBackward<DenseShape>(f, f.Input, f.InputGradient, L.Out, last: true);
    }

    private sealed class State(int batchSize) : ModelState(batchSize, 0), IModelState<State>
    {
        static State IModelState<State>.Create(int batchSize) => new(batchSize);
    }

    [Fact]
    public void Predict_applies_the_layer_to_every_step_and_zeroes_padded_rows()
    {
        var core = new SequentialCore<Network, State>("Probe", 1, Initializer.PyTorch, ModelLayer.Dense<DenseShape>("Out"));
        float[] w = core.Parameters.ToArray();
        float[] x = { 0.5f, -1f, 2f, 0.25f, 0.75f, -0.5f, 1f, 1f, 1f, -2f, 0f, 3f }; // [B = 2, T = 2, 3]
        float[] y = new float[2 * 2 * 2];

        core.Predict(x, 2, 2, y, new[] { 2, 1 });

        for (int row = 0; row < 4; row++)
        {
            for (int u = 0; u < 2; u++)
            {
                double z = w[6 + u];
                for (int i = 0; i < 3; i++) z += x[row * 3 + i] * w[u * 3 + i];
                double expected = row == 3 ? 0 : Math.Tanh(z); // row 3 is b = 1, t = 1: past that sequence's length
                Assert.True(Math.Abs(y[row * 2 + u] - expected) < 1e-6, $"y[{row}, {u}] = {y[row * 2 + u]}, expected {expected}");
            }
        }

        Assert.Equal(new[] { "Out.weight", "Out.bias" }, core.NamedParameters.Select(t => t.Name));
        Assert.Contains("Total params: 8", core.Summary);
    }

    [Fact]
    public void A_layer_whose_shape_puts_its_parameters_elsewhere_is_refused_by_name()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            new SequentialCore<Network, State>("Probe", 1, Initializer.Keras, ModelLayer.Dense<MisplacedShape>("Out")));
        Assert.Contains("Probe.Out: expected its parameters at 0 but its shape puts them at 1", ex.Message);
    }

    [Fact]
    public void A_state_of_another_model_is_refused_through_the_model_independent_face()
    {
        ISequentialCore core = new SequentialCore<Network, State>("Probe", 1, Initializer.Keras, ModelLayer.Dense<DenseShape>("Out"));
        var foreign = new Forecaster().CreateState(1);
        var ex = Assert.Throws<ArgumentException>(() => core.Forward(new float[3], 1, 1, default, default, foreign));
        Assert.Contains("Forecaster+State", ex.Message);
    }
}
