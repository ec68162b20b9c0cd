using System.Text.Json;
using RnnGen.IO.Onnx;

namespace RnnGen.Tests.Onnx;

/// <summary>PyTorch's ONNX files (make_onnx_files.py) load into the declared models with PyTorch's outputs; mismatches are refused.</summary>
public sealed class OnnxImportTests : IDisposable
{
    private const float Tolerance = 1e-5f;
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed record Reference(int Batch, int Time, int[] Lengths, float[] Inputs, float[] PaddedInputs, float[] Outputs, float[] PaddedOutputs)
    {
        public static Reference Load(string name) => JsonSerializer.Deserialize<Reference>(File.ReadAllText(FilePath(name + ".json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    private static string FilePath(string name) => Path.Combine(AppContext.BaseDirectory, "Onnx", "Files", name);

    [Fact]
    public void Tagger_FromPyTorch_MatchesPyTorch()
    {
        var r = Reference.Load("torch_tagger");
        var model = new OnnxTokenTagger(99);
        model.LoadOnnxWeights(FilePath("torch_tagger.onnx"));
        int[] tokens = Array.ConvertAll(r.Inputs, v => (int)v), padded = Array.ConvertAll(r.PaddedInputs, v => (int)v);
        float[] outputs = new float[r.Outputs.Length];
        model.Predict(tokens, r.Batch, r.Time, outputs);
        OrtRunner.AssertClose(r.Outputs, outputs, Tolerance, "Predict after import vs PyTorch");
        model.Predict(padded, r.Batch, r.Time, outputs, r.Lengths);
        OrtRunner.AssertClose(r.PaddedOutputs, outputs, Tolerance, "padded batch: Predict after import vs PyTorch (packed)");
        OrtRunner.AssertClose(r.Outputs, OrtRunner.Run(FilePath("torch_tagger.onnx"), r.Batch, r.Time, null, tokens, 1, null), Tolerance, "the file in ONNX Runtime vs PyTorch");
    }

    [Fact]
    public void RnnStack_FromPyTorch_MatchesPyTorch() => CheckFloats(new TorchRnnStack(99), "torch_rnn_stack", TorchRnnStack.InputSize, (m, x, b, t, o, l) => m.Predict(x, b, t, o, l));

    [Fact]
    public void GruClassifier_FromPyTorch_MatchesPyTorch() => CheckFloats(new OnnxGruClassifier(99), "torch_gru_classifier", OnnxGruClassifier.InputSize, (m, x, b, t, o, l) => m.Predict(x, b, t, o, l));

    [Fact]
    public void LstmStack_FromPyTorch_MatchesPyTorch_PeepholesZero()
    {
        var model = new OnnxPeepholeLstm(99);
        foreach (NamedTensor t in model.NamedParameters.Where(p => p.Name.Contains("peephole", StringComparison.Ordinal)))
        {
            t.Values.Span.Fill(0.5f); // an LSTM node without P means zero peepholes
        }

        CheckFloats(model, "torch_lstm_stack", OnnxPeepholeLstm.InputSize, (m, x, b, t, o, l) => m.Predict(x, b, t, o, l));
        Assert.All(model.NamedParameters.Where(p => p.Name.Contains("peephole", StringComparison.Ordinal)), p => Assert.All(p.Values.ToArray(), v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void WrongUnits_NamesNodeAndBothShapes_LeavesModelUnchanged()
    {
        var model = new OnnxWideTagger(3);
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => model.LoadOnnxWeights(FilePath("torch_tagger.onnx")));
        Assert.Contains("'/encoder/LSTM' (LSTM)", e.Message, StringComparison.Ordinal);
        Assert.Contains("layer 'Encoder'", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected [2, 28, 6] but the file has [2, 20, 6]", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray()); // the embedding, matched before the failure, is not copied either
    }

    [Fact]
    public void WrongCellKind_IsRefused_LeavesModelUnchanged()
    {
        var model = new OnnxGruClassifier(3);
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => model.LoadOnnxWeights(FilePath("torch_rnn_stack.onnx")));
        Assert.Contains("4 nodes with weights", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 layers", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void SimpleRnnActivation_IsChecked()
    {
        // OnnxRnnStack's third layer is sigmoid where the file's is tanh
        var model = new OnnxRnnStack(3);
        var e = Assert.Throws<InvalidDataException>(() => model.LoadOnnxWeights(FilePath("torch_rnn_stack.onnx")));
        Assert.Contains("'/third/RNN' (RNN)", e.Message, StringComparison.Ordinal);
        Assert.Contains("activations are [Tanh, Tanh] but the layer computes [Sigmoid, Sigmoid]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFile_IsInvalidData_LeavesModelUnchanged()
    {
        string path = Path.Combine(_folder, "truncated.onnx");
        byte[] bytes = File.ReadAllBytes(FilePath("torch_tagger.onnx"));
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var model = new OnnxTokenTagger(3);
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => model.LoadOnnxWeights(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void RoundTrip_ExportThenImport_GivesTheSameParameters()
    {
        RoundTrip(new OnnxGruAverage(1, Initializer.PyTorch), new OnnxGruAverage(2, Initializer.PyTorch));
        RoundTrip(new OnnxTokenTagger(1, Initializer.PyTorch), new OnnxTokenTagger(2, Initializer.PyTorch));
        RoundTrip(new OnnxGruClassifier(1, Initializer.PyTorch), new OnnxGruClassifier(2, Initializer.PyTorch));
        var peepholes = new OnnxPeepholeLstm(1, Initializer.PyTorch);
        var random = new Random(3);
        foreach (NamedTensor t in peepholes.NamedParameters.Where(p => p.Name.Contains("peephole", StringComparison.Ordinal)))
        {
            for (int i = 0; i < t.Length; i++)
            {
                t.Values.Span[i] = (float)random.NextDouble();
            }
        }

        RoundTrip(peepholes, new OnnxPeepholeLstm(2, Initializer.PyTorch));
    }

    private void RoundTrip(ILayerStack source, ILayerStack target)
    {
        string path = Path.Combine(_folder, "round.onnx");
        source.ExportOnnx(path);
        Assert.NotEqual(source.Parameters.ToArray(), target.Parameters.ToArray());
        target.LoadOnnxWeights(path);
        Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());
    }

    private delegate void Predict<TModel>(TModel model, float[] inputs, int batch, int time, float[] outputs, int[]? lengths);

    private static void CheckFloats<TModel>(TModel model, string name, int inputSize, Predict<TModel> predict)
        where TModel : ILayerStack
    {
        var r = Reference.Load(name);
        model.LoadOnnxWeights(FilePath(name + ".onnx"));
        float[] outputs = new float[r.Outputs.Length];
        predict(model, r.Inputs, r.Batch, r.Time, outputs, null);
        OrtRunner.AssertClose(r.Outputs, outputs, Tolerance, "Predict after import vs PyTorch");
        predict(model, r.PaddedInputs, r.Batch, r.Time, outputs, r.Lengths);
        OrtRunner.AssertClose(r.PaddedOutputs, outputs, Tolerance, "padded batch: Predict after import vs PyTorch (packed)");
        OrtRunner.AssertClose(r.Outputs, OrtRunner.Run(FilePath(name + ".onnx"), r.Batch, r.Time, r.Inputs, null, inputSize, null), Tolerance, "the file in ONNX Runtime vs PyTorch");
    }
}
