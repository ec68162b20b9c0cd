using Microsoft.ML.OnnxRuntime;
using RnnGen.IO.Onnx;

namespace RnnGen.Tests.Onnx;

/// <summary>Runs an ONNX file in ONNX Runtime with RnnGen's exported input names.</summary>
internal static class OrtRunner
{
    /// <summary>Float inputs <c>[B, T, I]</c>; tokens (converted to int64) when <paramref name="tokens"/> is given.</summary>
    public static float[] Run(string path, int batch, int time, float[]? inputs, int[]? tokens, int inputSize, int[]? lengths)
    {
        using var session = new InferenceSession(path);
        var values = new Dictionary<string, OrtValue>();
        try
        {
            if (tokens is not null)
            {
                values[OnnxExporter.TokensName] = OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(tokens, t => (long)t), [batch, time]);
            }
            else
            {
                values[OnnxExporter.InputName] = OrtValue.CreateTensorValueFromMemory(inputs!, [batch, time, inputSize]);
            }

            if (lengths is not null)
            {
                values[OnnxExporter.LengthsName] = OrtValue.CreateTensorValueFromMemory(lengths, [batch]);
            }

            using var options = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(options, values, [OnnxExporter.OutputName]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (OrtValue value in values.Values)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>Asserts every element within <paramref name="tolerance"/>, naming the worst index on failure.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            float d = MathF.Abs(expected[i] - actual[i]);
            if (!(d <= worst))
            {
                worst = d;
                at = i;
            }
        }

        Assert.True(worst <= tolerance, $"{what}: max |difference| {worst:G4} at index {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}), tolerance {tolerance:G2}");
    }
}
