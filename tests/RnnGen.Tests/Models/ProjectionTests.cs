using System.Runtime.InteropServices;
using RnnGen.Data;
using RnnGen.IO;
using RnnGen.IO.Onnx;
using RnnGen.Tests.Fixtures;
using RnnGen.Training;

namespace RnnGen.Tests.Models;

/// <summary>A projected LSTM tagger: 9 cell units, h of 4, a softmax per step.</summary>
[RnnModel(InputSize = 5, Loss = Loss.CrossEntropy)]
public partial class ProjectedTagger
{
    [Lstm(9, ProjectionSize = 4, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
    [Dense(3, Activation.Softmax)] public partial DenseLayer Tags { get; }
}

/// <summary>A bidirectional projected LSTM under a projected LSTM, outputs every step (no loss: raw Forward/Backward).</summary>
[RnnModel(InputSize = 5)]
public partial class ProjectedBidirectionalStack
{
    [Bidirectional, Lstm(9, ProjectionSize = 4, ReturnSequences = true)] public partial RecurrentLayer A { get; }
    [Lstm(6, ProjectionSize = 5, ReturnSequences = true)] public partial RecurrentLayer B { get; }
}

/// <summary>A projected LSTM in a model that feeds its previous output back with each input.</summary>
[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError, OutputRecurrence = true)]
public partial class ProjectedFeedback
{
    [Lstm(7, ProjectionSize = 3, ReturnSequences = true)] public partial RecurrentLayer Memory { get; }
    [Dense(2, Activation.Tanh)] public partial DenseLayer Next { get; }
}

/// <summary>
/// <c>[Lstm(units, ProjectionSize = P)]</c> beyond the fixtures and the reference cases: parameter counts and state sizes,
/// PyTorch-named weight files, the packed and padded batch paths, no allocation in steady state, ONNX's refusal, Fit.
/// </summary>
public sealed class ProjectionTests
{
    [Fact]
    public void Parameter_count_is_PyTorchs_less_the_folded_bias_and_the_state_holds_h_of_P_and_c_of_H()
    {
        // PyTorch's nn.LSTM(3, 5, proj_size=3): weight_ih [20, 3], weight_hh [20, 3], bias_ih [20], bias_hh [20], weight_hr [3, 5]
        Fixture f = Fixture.Load("lstm_proj");
        int pytorch = f.ParamNames.Sum(n => f.Param(n).Data.Length);
        int folded = f.ParamNames.Where(n => n.StartsWith("bias_hh", StringComparison.Ordinal)).Sum(n => f.Param(n).Data.Length);
        Assert.Equal(175, pytorch);
        int generated = LstmProjFixture.ParameterCount;
        Assert.Equal(pytorch - folded, generated);

        var model = new LstmProjFixture();
        Assert.Matches(@" Rnn \(LSTM\) +\(None, None, 3\) +155\n", model.Summary());
        Assert.Contains("Total params: 155", model.Summary());
        Assert.Equal(new[] { 3, 5 }, model.NamedParameters.Single(t => t.Name == "Rnn.weight_hr_l0").Shape);
        Assert.Equal(new[] { 20, 3 }, model.NamedParameters.Single(t => t.Name == "Rnn.weight_hh_l0").Shape);
        Assert.Equal(3, model.Rnn.ProjectionSize);
        Assert.Equal(3, model.Rnn.OutputSize);
        Assert.Equal(3, LstmProjFixture.OutputSize);

        LstmProjFixture.State state = model.CreateState(2);
        Assert.Equal(3 + 5, LstmProjFixture.State.SizePerStream);
        Assert.Equal(2 * 3, state.RnnHidden.Length);
        Assert.Equal(2 * 5, state.RnnCell.Length);
    }

    [Fact]
    public void A_weight_file_with_PyTorchs_tensor_names_loads_and_reproduces_PyTorch()
    {
        Fixture f = Fixture.Load("lstm_proj_bidirectional_2layer");
        FixtureHarness names = FixtureParityTests.Harness(f.Name);
        var tensors = new List<(string Name, int[] Shape, ReadOnlyMemory<float> Values)>();
        foreach (string name in f.ParamNames)
        {
            (string member, string local) = names.Map(name); // weight_hr_l1_reverse → (Layer1, weight_hr_l0_reverse)
            Tensor t = f.Param(name);
            tensors.Add((member + "." + local, t.Shape, t.ToFloat()));
        }

        string path = Path.Combine(Path.GetTempPath(), "rnngen-proj-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            SafetensorsWriter.Write(path, tensors);
            var model = new LstmProjBidirectional2LayerFixture(seed: 5);
            model.LoadWeights(path);

            int B = f.Batch, T = f.SeqLen;
            float[] inputs = Fixture.ToBatchFirst(f.Tensor("input")).Select(d => (float)d).ToArray();
            float[] outputs = new float[B * T * 2 * 3];
            LstmProjBidirectional2LayerFixture.State state = model.CreateState(B);
            FixtureHarness.ToState(f, f.Tensor("h0"), f.Tensor("c0")).CopyTo(state.Values);
            model.Forward(inputs, B, T, outputs, default, state);
            Compare.Close("output", Fixture.ToBatchFirst(f.Tensor("output")), outputs, 1e-5);
            Compare.Close("Layer1.h_n (reverse)", f.Tensor("h_n").Data.AsSpan(3 * B * 3, B * 3), state.Layer1HiddenReverse, 1e-5);

            // and saving writes the same names and shapes back, bias_hh as zeros
            string saved = path + ".out";
            model.SaveWeights(saved);
            IReadOnlyDictionary<string, SafetensorsTensor> file = SafetensorsReader.Read(saved);
            System.IO.File.Delete(saved);
            Assert.Equal(tensors.Select(t => t.Name).Order(StringComparer.Ordinal), file.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(new[] { 3, 5 }, file["Layer1.weight_hr_l0_reverse"].Shape);
            Assert.Equal(f.Param("weight_hr_l1_reverse").ToFloat(), file["Layer1.weight_hr_l0_reverse"].Values);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void A_padded_batch_on_the_packed_path_equals_each_sequence_run_alone()
    {
        // B ≥ 4 and T ≥ 4 take the packed per-step products; a lone sequence multiplies W_hh as it is
        const int B = 6, T = 7, I = 5, Out = 5;
        int[] lengths = { 7, 3, 7, 5, 1, 6 };
        var random = new Random(17);
        var model = new ProjectedBidirectionalStack(seed: 4);
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++) parameters[i] = (float)(random.NextDouble() - 0.5);
        float[] x = new float[B * T * I], dy = new float[B * T * Out];
        for (int b = 0; b < B; b++)
        {
            for (int k = 0; k < lengths[b] * I; k++) x[b * T * I + k] = (float)(random.NextDouble() * 2 - 1);
            for (int k = 0; k < lengths[b] * Out; k++) dy[b * T * Out + k] = (float)(random.NextDouble() * 2 - 1);
        }

        float[] y = new float[B * T * Out], dx = new float[B * T * I];
        model.ZeroGradients();
        model.Forward(x, B, T, y, lengths);
        model.Backward(dy, inputGradient: dx);
        float[] batchGradients = model.Gradients.ToArray();

        float[] sumOfAlone = new float[batchGradients.Length];
        for (int b = 0; b < B; b++)
        {
            int L = lengths[b];
            float[] yb = new float[L * Out], dxb = new float[L * I];
            model.ZeroGradients();
            model.Forward(x.AsSpan(b * T * I, L * I), 1, L, yb);
            model.Backward(dy.AsSpan(b * T * Out, L * Out), inputGradient: dxb);
            for (int i = 0; i < sumOfAlone.Length; i++) sumOfAlone[i] += model.Gradients[i];
            Compare.Close($"y[{b}]", yb.Select(v => (double)v).ToArray(), y.AsSpan(b * T * Out, L * Out), 1e-5);
            Compare.Close($"dx[{b}]", dxb.Select(v => (double)v).ToArray(), dx.AsSpan(b * T * I, L * I), 1e-5);
            Assert.All(y.AsSpan(b * T * Out + L * Out, (T - L) * Out).ToArray(), v => Assert.Equal(0f, v)); // padded steps output zeros
        }

        int start = ArrayOffset(model.NamedGradients[0]); // the first tensor is Gradients[0]; the array may start before it (alignment)
        foreach (NamedTensor g in model.NamedGradients)
        {
            int offset = ArrayOffset(g) - start;
            Compare.Close("∂" + g.Name, sumOfAlone.AsSpan(offset, g.Values.Length).ToArray().Select(v => (double)v).ToArray(), batchGradients.AsSpan(offset, g.Values.Length), 1e-4);
        }

        Compare.Close("∂parameters", sumOfAlone.Select(v => (double)v).ToArray(), batchGradients, 1e-4);
    }

    [Fact]
    public void Predict_and_Step_allocate_nothing_in_steady_state()
    {
        const int B = 4, T = 6;
        var model = new ProjectedTagger(seed: 2);
        float[] inputs = Enumerable.Range(0, B * T * 5).Select(i => MathF.Sin(i)).ToArray();
        float[] outputs = new float[B * T * 3], step = new float[B * 3];
        ProjectedTagger.State state = model.CreateState(B);

        void Run()
        {
            model.Predict(inputs, B, T, outputs);
            model.Step(inputs.AsSpan(0, B * 5), step, state);
        }

        Run();
        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0f, state.MemoryHidden.ToArray().Select(MathF.Abs).Max());
    }

    [Fact]
    public void With_output_recurrence_Predict_Step_and_teacher_forcing_on_its_own_outputs_agree()
    {
        const int B = 3, T = 6;
        var model = new ProjectedFeedback(seed: 6);
        float[] inputs = Enumerable.Range(0, B * T * 2).Select(i => MathF.Sin(0.4f * i)).ToArray();
        var predicted = new float[B * T * 2];
        model.Predict(inputs, B, T, predicted);

        var forced = new float[predicted.Length];
        model.Forward(new SequenceBatch { BatchSize = B, TimeSteps = T, Inputs = inputs, Targets = predicted }, forced);
        for (int i = 0; i < forced.Length; i++) Assert.Equal(predicted[i], forced[i], 5);

        ProjectedFeedback.State state = model.CreateState(B);
        Assert.Equal(B * 3, state.MemoryHidden.Length);
        var row = new float[B * 2];
        var output = new float[B * 2];
        for (int t = 0; t < T; t++)
        {
            for (int b = 0; b < B; b++) inputs.AsSpan((b * T + t) * 2, 2).CopyTo(row.AsSpan(b * 2));
            model.Step(row, output, state);
            for (int b = 0; b < B; b++)
                for (int k = 0; k < 2; k++)
                    Assert.Equal(predicted[(b * T + t) * 2 + k], output[b * 2 + k], 6);
        }

        model.Backward(); // the teacher-forced pass differentiates through the projection
        Assert.NotEqual(0f, model.NamedGradients.Single(g => g.Name == "Memory.weight_hr_l0").Values.ToArray().Select(MathF.Abs).Max());
    }

    [Fact]
    public void Onnx_export_refuses_a_projected_layer_and_names_it()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new ProjectedTagger()));
        Assert.Contains("layer 'Memory'", e.Message);
        Assert.Contains("ProjectionSize = 4", e.Message);
    }

    [Fact]
    public void Fit_learns_a_tagging_task_through_the_projection()
    {
        // the tag of a step is the largest of its first three features
        const int N = 48, T = 6;
        var random = new Random(3);
        float[] inputs = Enumerable.Range(0, N * T * 5).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        int[] tags = Enumerable.Range(0, N * T).Select(r => Enumerable.Range(0, 3).MaxBy(k => inputs[r * 5 + k])).ToArray();
        var data = SequenceDataSet.FromFloats(inputs, N, T, 5, tags, targetsPerStep: true);
        var model = new ProjectedTagger(seed: 1);
        float[] before = model.NamedParameters.Single(t => t.Name == "Memory.weight_hr_l0").Values.ToArray();

        TrainingHistory history = model.Fit(data, new Adam(0.02f), new FitOptions { Epochs = 30, BatchSize = 8, Seed = 5 });

        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss / 3, $"loss {history.Epochs[0].Loss} → {history.Epochs[^1].Loss}");
        Assert.True(history.Epochs[^1].Metric > 0.9, $"training accuracy {history.Epochs[^1].Metric}");
        Assert.NotEqual(before, model.NamedParameters.Single(t => t.Name == "Memory.weight_hr_l0").Values.ToArray()); // W_hr is trained
    }

    private static int ArrayOffset(NamedTensor t)
    {
        Assert.True(MemoryMarshal.TryGetArray((ReadOnlyMemory<float>)t.Values, out ArraySegment<float> view));
        return view.Offset;
    }
}
