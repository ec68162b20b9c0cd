using System.Text.Json;
using RnnGen.IO;

namespace RnnGen.Tests.IO;

/// <summary>The model of TorchFiles/make_torch_files.py: nn.LSTM(3, 4) + nn.Linear(4, 2) on the last step.</summary>
[RnnModel(InputSize = 3)]
public partial class TorchLstmLinear
{
    [Lstm(4)] public partial RecurrentLayer Rnn { get; }
    [Dense(2)] public partial DenseLayer Classifier { get; }
}

public sealed class TorchFileTests
{
    private static string File(string name) => Path.Combine(AppContext.BaseDirectory, "IO", "TorchFiles", name);

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    [Fact]
    public void A_file_written_by_PyTorch_loads_and_reproduces_its_outputs()
    {
        using JsonDocument reference = JsonDocument.Parse(System.IO.File.ReadAllText(File("lstm_linear.json")));
        JsonElement root = reference.RootElement;
        var model = new TorchLstmLinear();
        model.LoadWeights(File("lstm_linear.safetensors"));

        // Every tensor arrives as PyTorch wrote it; the two LSTM biases are summed into the one bias.
        JsonElement weights = root.GetProperty("weights");
        float[] expectedBias = Floats(weights.GetProperty("Rnn.bias_ih_l0")).Zip(Floats(weights.GetProperty("Rnn.bias_hh_l0")), (a, b) => a + b).ToArray();
        foreach (NamedTensor t in model.NamedParameters)
        {
            float[] expected = t.Name == "Rnn.bias_ih_l0" ? expectedBias : Floats(weights.GetProperty(t.Name));
            Assert.Equal(expected, t.Values.ToArray());
        }

        float[] input = Floats(root.GetProperty("input"));
        float[] output = new float[2 * 2];
        TorchLstmLinear.State state = model.CreateState(2);
        model.Forward(input, 2, 5, output, default, state);
        Fixtures.Compare.Close("output", Floats(root.GetProperty("output")).Select(v => (double)v).ToArray(), output, 1e-5);
        Fixtures.Compare.Close("h_n", Floats(root.GetProperty("h_n")).Select(v => (double)v).ToArray(), state.RnnHidden, 1e-5);
        Fixtures.Compare.Close("c_n", Floats(root.GetProperty("c_n")).Select(v => (double)v).ToArray(), state.RnnCell, 1e-5);

        float[] predicted = new float[4];
        model.Predict(input, 2, 5, predicted);
        Assert.Equal(output, predicted);
    }

    [Fact]
    public void Saved_files_have_PyTorch_names_shapes_and_a_zero_bias_hh()
    {
        string path = Path.Combine(Path.GetTempPath(), "rnngen-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            var model = new TorchLstmLinear(seed: 3);
            model.SaveWeights(path);
            IReadOnlyDictionary<string, SafetensorsTensor> file = SafetensorsReader.Read(path);
            Assert.Equal(new[] { "Classifier.bias", "Classifier.weight", "Rnn.bias_hh_l0", "Rnn.bias_ih_l0", "Rnn.weight_hh_l0", "Rnn.weight_ih_l0" }, file.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal(new[] { 16, 3 }, file["Rnn.weight_ih_l0"].Shape);
            Assert.Equal(new[] { 2, 4 }, file["Classifier.weight"].Shape);
            Assert.All(file["Rnn.bias_hh_l0"].Values, v => Assert.Equal(0f, v));
            Assert.Equal(model.Rnn.Parameters[2].Values.ToArray(), file["Rnn.bias_ih_l0"].Values);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void Every_kind_of_corrupt_file_is_rejected_with_its_reason()
    {
        byte[] good = System.IO.File.ReadAllBytes(File("lstm_linear.safetensors"));
        ulong headerLength = BitConverter.ToUInt64(good, 0);
        string header = System.Text.Encoding.UTF8.GetString(good, 8, (int)headerLength);

        byte[] WithHeader(string text)
        {
            byte[] h = System.Text.Encoding.UTF8.GetBytes(text);
            return BitConverter.GetBytes((ulong)h.Length).Concat(h).Concat(good.Skip(8 + (int)headerLength)).ToArray();
        }

        (byte[] Bytes, string Reason)[] cases =
        {
            (good[..4], "fewer than the 8-byte header length"),
            (BitConverter.GetBytes(ulong.MaxValue / 2).Concat(good.Skip(8)).ToArray(), "exceeds"),
            (WithHeader("{not json"), "not valid JSON"),
            (WithHeader(header.Replace("\"F32\"", "\"I64\"")), "dtype I64"),
            (WithHeader(header.Replace("[16,3]", "[16,4]")), "needs"),
            (good[..(good.Length - 8)], "outside"),
        };
        foreach ((byte[] bytes, string reason) in cases)
        {
            var ex = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(bytes, "test.safetensors"));
            Assert.Contains(reason, ex.Message);
            Assert.Contains("test.safetensors", ex.Message);
        }
    }

    [Fact]
    public void A_missing_or_misshaped_tensor_is_named_with_both_shapes_and_nothing_changes()
    {
        string directory = Directory.CreateTempSubdirectory("rnngen").FullName;
        try
        {
            var model = new TorchLstmLinear(seed: 5);
            float[] before = model.Parameters.ToArray();
            string missing = Path.Combine(directory, "missing.safetensors");
            SafetensorsWriter.Write(missing, model.NamedParameters.Where(t => t.Name != "Classifier.bias").Select(t => (t.Name, t.Shape, (ReadOnlyMemory<float>)t.Values)).ToList());
            var ex = Assert.Throws<InvalidDataException>(() => model.LoadWeights(missing));
            Assert.Contains("'Classifier.bias' of shape [2] is missing", ex.Message);

            string misshaped = Path.Combine(directory, "misshaped.safetensors");
            SafetensorsWriter.Write(misshaped, model.NamedParameters.Select(t => t.Name == "Rnn.weight_hh_l0"
                ? (t.Name, new[] { 4, 16 }, (ReadOnlyMemory<float>)t.Values) : (t.Name, t.Shape, (ReadOnlyMemory<float>)t.Values)).ToList());
            ex = Assert.Throws<InvalidDataException>(() => model.LoadWeights(misshaped));
            Assert.Contains("Rnn.weight_hh_l0: expected shape [16, 4] but the file has [4, 16]", ex.Message);

            string extra = Path.Combine(directory, "extra.safetensors");
            SafetensorsWriter.Write(extra, model.NamedParameters.Select(t => (t.Name, t.Shape, (ReadOnlyMemory<float>)t.Values))
                .Append(("Rnn.weight_ih_l1", new[] { 1 }, new float[1])).ToList());
            ex = Assert.Throws<InvalidDataException>(() => model.LoadWeights(extra));
            Assert.Contains("Rnn.weight_ih_l1", ex.Message);
            Assert.Equal(before, model.Parameters.ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
