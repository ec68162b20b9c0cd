using RnnGen.IO.Onnx;

namespace RnnGen.Tests.Onnx;

/// <summary>Every exported model runs in ONNX Runtime with Predict's outputs (1e-5), with and without padded lengths.</summary>
public sealed class OnnxExportTests : IDisposable
{
    private const int Batch = 4, Time = 6;
    private const float Tolerance = 1e-5f;
    private static readonly int[] Lengths = [Time, 3, 1, Time - 1];
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TokenTagger_BidirectionalLstm_Gru_Softmax() =>
        CheckTokens(new OnnxTokenTagger(1, Initializer.PyTorch), OnnxTokenTagger.VocabularySize, OnnxTokenTagger.OutputSize * Time,
            (m, x, o, l) => m.Predict(x, Batch, Time, o, l));

    [Fact]
    public void SimpleRnn_TanhReluSigmoid_Residual_BidirectionalSum() =>
        CheckFloats(new OnnxRnnStack(2, Initializer.PyTorch), OnnxRnnStack.InputSize, OnnxRnnStack.OutputSize,
            (m, x, o, l) => m.Predict(x, Batch, Time, o, l));

    [Fact]
    public void Gru_ResetBeforeBidirectionalAverage_ResidualResetAfter_Relu() =>
        CheckFloats(new OnnxGruAverage(3, Initializer.PyTorch), OnnxGruAverage.InputSize, OnnxGruAverage.OutputSize * Time,
            (m, x, o, l) => m.Predict(x, Batch, Time, o, l));

    [Fact]
    public void Lstm_Stacked_BidirectionalPeepholesMultiply_Linear()
    {
        var model = new OnnxPeepholeLstm(4, Initializer.PyTorch);
        // peepholes start at zero: give them values so that their gate order is checked
        NamedTensor peepholes = model.NamedParameters.Single(p => p.Name == "Second.weight_peephole_l0");
        NamedTensor reverse = model.NamedParameters.Single(p => p.Name == "Second.weight_peephole_l0_reverse");
        var random = new Random(5);
        foreach (NamedTensor t in new[] { peepholes, reverse })
        {
            for (int i = 0; i < t.Length; i++)
            {
                t.Values.Span[i] = (float)(random.NextDouble() - 0.5);
            }
        }

        CheckFloats(model, OnnxPeepholeLstm.InputSize, OnnxPeepholeLstm.OutputSize, (m, x, o, l) => m.Predict(x, Batch, Time, o, l));
    }

    [Fact]
    public void Gru_BidirectionalConcatLastStep_DropoutLeftOut() =>
        CheckFloats(new OnnxGruClassifier(5, Initializer.PyTorch), OnnxGruClassifier.InputSize, OnnxGruClassifier.OutputSize,
            (m, x, o, l) => m.Predict(x, Batch, Time, o, l));

    [Fact]
    public void OutputRecurrence_IsNotSupported_NamingTheLayer()
    {
        var e = Assert.Throws<NotSupportedException>(() => new OnnxFeedback(1).ExportOnnx(Path.Combine(_folder, "feedback.onnx")));
        Assert.Contains("'Memory'", e.Message, StringComparison.Ordinal);
        Assert.Contains("OutputRecurrence", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    private delegate void Predict<TModel, TInput>(TModel model, TInput[] inputs, float[] outputs, int[]? lengths);

    private void CheckFloats<TModel>(TModel model, int inputSize, int outputsPerSequence, Predict<TModel, float> predict)
        where TModel : ILayerStack
    {
        var random = new Random(11);
        float[] inputs = new float[Batch * Time * inputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)(random.NextDouble() * 2 - 1);
        }

        Check(model, outputsPerSequence, predict, inputs, Pad(inputs, inputSize, 3f), (path, x, l) => OrtRunner.Run(path, Batch, Time, x, null, inputSize, l));
    }

    private void CheckTokens<TModel>(TModel model, int vocabulary, int outputsPerSequence, Predict<TModel, int> predict)
        where TModel : ILayerStack
    {
        var random = new Random(12);
        int[] tokens = new int[Batch * Time];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = random.Next(vocabulary);
        }

        Check(model, outputsPerSequence, predict, tokens, Pad(tokens, 1, vocabulary - 1), (path, x, l) => OrtRunner.Run(path, Batch, Time, null, x, 1, l));
    }

    private void Check<TModel, TInput>(TModel model, int outputsPerSequence, Predict<TModel, TInput> predict, TInput[] inputs, TInput[] padded,
        Func<string, TInput[], int[]?, float[]> runOrt)
        where TModel : ILayerStack
    {
        string withLengths = Path.Combine(_folder, "lengths.onnx"), without = Path.Combine(_folder, "plain.onnx");
        model.ExportOnnx(withLengths);
        model.ExportOnnx(without, new OnnxExportOptions { SequenceLengths = false });

        float[] expected = new float[Batch * outputsPerSequence];
        predict(model, inputs, expected, null);
        OrtRunner.AssertClose(expected, runOrt(without, inputs, null), Tolerance, "full-length batch, no lengths input");
        OrtRunner.AssertClose(expected, runOrt(withLengths, inputs, [Time, Time, Time, Time]), Tolerance, "full-length batch with lengths");

        float[] expectedPadded = new float[Batch * outputsPerSequence];
        predict(model, padded, expectedPadded, Lengths);
        OrtRunner.AssertClose(expectedPadded, runOrt(withLengths, padded, Lengths), Tolerance, $"padded batch, lengths [{string.Join(", ", Lengths)}]");
        Assert.NotEqual(expected, expectedPadded); // the padding mattered to the reference
    }

    /// <summary>The inputs with every step past a sequence's length replaced by <paramref name="filler"/>.</summary>
    private static T[] Pad<T>(T[] inputs, int width, T filler)
    {
        T[] padded = (T[])inputs.Clone();
        for (int b = 0; b < Batch; b++)
        {
            for (int t = Lengths[b]; t < Time; t++)
            {
                Array.Fill(padded, filler, (b * Time + t) * width, width);
            }
        }

        return padded;
    }
}
