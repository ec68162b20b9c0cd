using System.Text.Json;
using RnnGen.Training;

namespace RnnGen.Tests.Reference;

/// <summary>
/// <see cref="ResidualStack"/> (residual LSTM, bidirectional GRU and SimpleRnn) against PyTorch: Fixtures/residual/residual_stack.json,
/// made by make_residual_fixture.py in float64 with padded sequences — loss, outputs and every parameter gradient.
/// </summary>
public sealed class ResidualPyTorchTests
{
    [Fact]
    public void Residual_stack_matches_PyTorch()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "residual", "residual_stack.json");
        JsonElement root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        float[] Floats(JsonElement e) => e.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        var model = new ResidualStack();
        JsonElement parameters = root.GetProperty("params");
        Assert.Equal(parameters.EnumerateObject().Count(), model.NamedParameters.Count);
        foreach (NamedTensor t in model.NamedParameters)
        {
            Floats(parameters.GetProperty(t.Name)).CopyTo(t.Values.Span);
        }

        int B = root.GetProperty("B").GetInt32(), T = root.GetProperty("T").GetInt32();
        int[] lengths = root.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var batch = new SequenceBatch { BatchSize = B, TimeSteps = T, Inputs = Floats(root.GetProperty("inputs")), Lengths = lengths, Targets = Floats(root.GetProperty("targets")) };
        var outputs = new float[B * T * 2];
        model.ZeroGradients();
        float loss = model.Forward(batch, outputs);
        model.Backward();

        Assert.True(Math.Abs(loss - root.GetProperty("loss").GetDouble()) < 1e-5, $"loss {loss}, PyTorch {root.GetProperty("loss").GetDouble()}");
        float[] expected = Floats(root.GetProperty("outputs"));
        for (int i = 0; i < expected.Length; i++)
        {
            if (i / 2 % T >= lengths[i / 2 / T]) continue; // padded steps: PyTorch's are masked to zero, ours are not outputs
            Assert.True(Math.Abs(outputs[i] - expected[i]) < 1e-5, $"output[{i}] = {outputs[i]}, PyTorch {expected[i]}");
        }

        JsonElement grads = root.GetProperty("grads");
        foreach (NamedTensor g in model.NamedGradients)
        {
            float[] reference = Floats(grads.GetProperty(g.Name));
            for (int i = 0; i < reference.Length; i++)
            {
                Assert.True(Math.Abs(g.Values.Span[i] - reference[i]) < 1e-5, $"∂{g.Name}[{i}] = {g.Values.Span[i]}, PyTorch {reference[i]}");
            }
        }
    }
}
