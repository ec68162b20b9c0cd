using System.Text;
using System.Text.Json.Nodes;
using RnnGen.IO;
using RnnGen.IO.Onnx;
using RnnGen.Tests.Models;
using RnnGen.Training;

namespace RnnGen.Tests.IO;

/// <summary>The weight-file defects a new user met, one by one: each is an InvalidDataException naming the file and the tensor.</summary>
public sealed class WeightFileHardeningTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-hardening-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Saved(TorchLstmLinear model)
    {
        string path = Path.Combine(_folder, "good.safetensors");
        model.SaveWeights(path);
        return path;
    }

    /// <summary>The file of <paramref name="model"/> with its header edited by <paramref name="edit"/>.</summary>
    private string Edited(TorchLstmLinear model, Action<JsonObject> edit, string name, byte[]? append = null)
    {
        byte[] good = File.ReadAllBytes(Saved(model));
        int n = (int)BitConverter.ToUInt64(good, 0);
        var header = (JsonObject)JsonNode.Parse(Encoding.UTF8.GetString(good, 8, n))!;
        edit(header);
        byte[] text = Encoding.UTF8.GetBytes(header.ToJsonString());
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)text.Length), .. text, .. good[(8 + n)..], .. append ?? []]);
        return path;
    }

    [Theory]
    [InlineData("shape", "\"16\"")]
    [InlineData("shape", "null")]
    [InlineData("shape", "[2147483647,2147483647,2147483647]")]
    [InlineData("shape", "[-16,3]")]
    [InlineData("data_offsets", "[\"0\",\"192\"]")]
    [InlineData("data_offsets", "null")]
    [InlineData("data_offsets", "[-192,0]")]
    [InlineData("data_offsets", "[0,9223372036854775807]")]
    [InlineData("dtype", "null")]
    public void A_shape_offset_or_dtype_of_the_wrong_kind_names_the_file_and_the_tensor(string field, string json)
    {
        var model = new TorchLstmLinear(seed: 2);
        float[] before = model.Parameters.ToArray();
        string path = Edited(model, h => h["Rnn.weight_ih_l0"]![field] = JsonNode.Parse(json), "edited.safetensors");
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'Rnn.weight_ih_l0'", e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.Equal("Rnn.weight_ih_l0", e.Data["tensor"]);
        Assert.Equal(path, e.Data["path"]);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Overlapping_tensors_trailing_bytes_and_gaps_are_rejected_naming_the_tensors()
    {
        var model = new TorchLstmLinear(seed: 2);
        string overlap = Edited(model, h => h["Classifier.bias"]!["data_offsets"] = JsonNode.Parse("[0,8]"), "overlap.safetensors");
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(overlap));
        Assert.Contains("tensor 'Rnn.weight_ih_l0' overlaps tensor 'Classifier.bias'", e.Message, StringComparison.Ordinal);

        string gap = Edited(model, h => h.Remove("Classifier.weight"), "gap.safetensors");
        e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(gap));
        Assert.Contains("tensor 'Classifier.bias' starts at data byte 608 but tensor 'Rnn.bias_hh_l0' ends at 576", e.Message, StringComparison.Ordinal);

        string trailing = Edited(model, _ => { }, "trailing.safetensors", append: [1, 2, 3]);
        e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(trailing));
        Assert.Contains("3 bytes after the last tensor", e.Message, StringComparison.Ordinal);
        Assert.Contains(trailing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicated_tensor_name_is_rejected_instead_of_the_last_one_winning()
    {
        var model = new TorchLstmLinear(seed: 2);
        byte[] good = File.ReadAllBytes(Saved(model));
        int n = (int)BitConverter.ToUInt64(good, 0);
        string header = Encoding.UTF8.GetString(good, 8, n).TrimEnd();
        var entry = JsonNode.Parse(header)!["Classifier.bias"]!.ToJsonString();
        byte[] text = Encoding.UTF8.GetBytes("{\"Classifier.bias\":" + entry + "," + header[1..]);
        string path = Path.Combine(_folder, "duplicate.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)text.Length), .. text, .. good[(8 + n)..]]);
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));
        Assert.Contains("tensor 'Classifier.bias' appears twice", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Non_finite_weights_are_rejected_unless_AllowNonFinite_is_set()
    {
        var source = new Forecaster(seed: 1);
        source.Next.Bias.Values.Span[0] = float.NaN;
        source.Memory.Parameters[0].Values.Span[5] = float.NegativeInfinity;
        string path = Path.Combine(_folder, "nan.safetensors");
        source.SaveWeights(path);

        var target = new Forecaster(seed: 2);
        float[] before = target.Parameters.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => target.LoadWeights(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("-Infinity at index 5", e.Message, StringComparison.Ordinal);
        Assert.Contains("AllowNonFinite", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.Parameters.ToArray());

        target.LoadWeights(path, new WeightLoadOptions { AllowNonFinite = true });
        Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());
    }

    [Fact]
    public void Two_finite_PyTorch_biases_that_sum_to_infinity_are_rejected()
    {
        var model = new TorchLstmLinear(seed: 2);
        var tensors = model.NamedParameters.Select(t => (t.Name, t.Shape, Values: (ReadOnlyMemory<float>)t.Values.ToArray())).ToList();
        float[] big = new float[16];
        Array.Fill(big, float.MaxValue);
        tensors = [.. tensors.Select(t => t.Name == "Rnn.bias_ih_l0" ? (t.Name, t.Shape, (ReadOnlyMemory<float>)big) : t), ("Rnn.bias_hh_l0", [16], big)];
        string path = Path.Combine(_folder, "sum.safetensors");
        SafetensorsWriter.Write(path, tensors);
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));
        Assert.Contains("'Rnn.bias_ih_l0' plus its PyTorch twin is Infinity", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void A_folder_or_a_missing_file_is_named_clearly()
    {
        var model = new TorchLstmLinear(seed: 2);
        var folder = Assert.Throws<ArgumentException>(() => model.LoadWeights(_folder));
        Assert.Equal("path", folder.ParamName);
        Assert.Contains(_folder, folder.Message, StringComparison.Ordinal);
        Assert.Contains("is a folder", folder.Message, StringComparison.Ordinal);

        string missing = Path.Combine(_folder, "nowhere", "missing.safetensors");
        var gone = Assert.Throws<FileNotFoundException>(() => model.LoadWeights(missing));
        Assert.Equal(missing, gone.FileName);
        Assert.Contains(missing, gone.Message, StringComparison.Ordinal);

        Assert.Equal("path", Assert.Throws<ArgumentException>(() => model.LoadWeights(" ")).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => Checkpoint.Load(_folder, new Forecaster(), new Adam(0.01f))).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => new Forecaster().LoadOnnxWeights(_folder)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new Forecaster().LoadWeights(missing, null!)).ParamName);
    }

    [Fact]
    public void A_checkpoint_with_bad_metadata_or_a_NaN_changes_neither_model_nor_optimizer()
    {
        string path = Path.Combine(_folder, "run.safetensors");
        var model = new Forecaster(seed: 1);
        var optimizer = new Adam(0.01f);
        Checkpoint.Save(path, model, optimizer, epoch: 3);

        var target = new Forecaster(seed: 4);
        float[] before = target.Parameters.ToArray();
        var fresh = new Adam(0.02f);

        // the epoch as text that is not a number: named, not a FormatException
        byte[] bytes = File.ReadAllBytes(path);
        string text = Encoding.Latin1.GetString(bytes).Replace("\"epoch\":\"3\"", "\"epoch\":\"x\"", StringComparison.Ordinal);
        string badEpoch = Path.Combine(_folder, "epoch.safetensors");
        File.WriteAllBytes(badEpoch, Encoding.Latin1.GetBytes(text));
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(badEpoch, target, fresh));
        Assert.Contains("'epoch' is 'x'", e.Message, StringComparison.Ordinal);
        Assert.Contains(badEpoch, e.Message, StringComparison.Ordinal);

        model.Parameters[7] = float.PositiveInfinity;
        Checkpoint.Save(path, model, optimizer, epoch: 3);
        e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, target, fresh));
        Assert.Contains("'parameters' holds Infinity at index 7", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.Parameters.ToArray());
        Assert.Equal(0, fresh.Steps);
        Assert.Equal(0.02f, fresh.LearningRate);

        CheckpointInfo info = Checkpoint.Load(path, target, fresh, new WeightLoadOptions { AllowNonFinite = true });
        Assert.Equal(3, info.Epoch);
        Assert.Equal(model.Parameters.ToArray(), target.Parameters.ToArray());
    }

    [Fact]
    public void ONNX_weights_that_are_not_finite_are_rejected_naming_the_tensor_unless_allowed()
    {
        var source = new Forecaster(seed: 1);
        source.Next.Weight.Values.Span[3] = float.NaN;
        string path = Path.Combine(_folder, "nan.onnx");
        source.ExportOnnx(path);

        var target = new Forecaster(seed: 2);
        float[] before = target.Parameters.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => target.LoadOnnxWeights(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'Next.weight' hold NaN at index 3", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.Parameters.ToArray());

        target.LoadOnnxWeights(path, new WeightLoadOptions { AllowNonFinite = true });
        Assert.True(float.IsNaN(target.Next.Weight.Values.Span[3]));
    }
}
