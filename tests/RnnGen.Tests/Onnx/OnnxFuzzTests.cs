using System.Runtime.InteropServices;
using RnnGen.IO.Onnx;

namespace RnnGen.Tests.Onnx;

/// <summary>A small model for the ONNX fuzz: a GRU and a dense layer on the last step (a Gemm).</summary>
[RnnModel(InputSize = 2, Loss = Loss.MeanSquaredError)]
public partial class OnnxFuzzModel
{
    [Gru(3)] public partial RecurrentLayer Memory { get; }
    [Dense(2)] public partial DenseLayer Out { get; }
}

/// <summary>Hostile ONNX files: rejected with one exception naming the file and changing nothing, or loaded as a valid reading gives.</summary>
[Collection(nameof(RnnGen.Tests.IO.FuzzCollection))]
public sealed class OnnxFuzzTests : IDisposable
{
    private const int Cases = 300;

    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-onnx-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Truncated_and_bit_flipped_files_are_rejected_cleanly_or_load_what_they_hold()
    {
        string clean = Path.Combine(_folder, "clean.onnx");
        var source = new OnnxFuzzModel(seed: 3, Initializer.PyTorch);
        source.ExportOnnx(clean);
        byte[] good = File.ReadAllBytes(clean);
        int[] expected = Bits(source.Parameters);

        var random = new Random(1414);
        int loaded = 0, rejected = 0;
        for (int i = 0; i < Cases; i++)
        {
            bool truncate = i % 3 == 0;
            byte[] bytes = truncate ? good[..random.Next(good.Length)] : (byte[])good.Clone();
            if (!truncate)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }

            string path = Path.Combine(_folder, $"case-{i:D3}.onnx");
            File.WriteAllBytes(path, bytes);
            string label = $"case {i} ({(truncate ? $"truncated to {bytes.Length}" : "bit flip")})";
            var model = new OnnxFuzzModel(seed: 1);
            int[] before = Bits(model.Parameters);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            Exception? error = Record.Exception(() => model.LoadOnnxWeights(path));
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.True(allocated < 1_000_000 + 64L * bytes.Length, $"{label}: allocated {allocated} bytes for a file of {bytes.Length}");
            if (error is null)
            {
                // a truncation that loads dropped only fields after the weights; one flipped bit changes at most one float
                int[] after = Bits(model.Parameters);
                int changed = after.Zip(expected).Count(p => p.First != p.Second);
                Assert.True(changed <= (truncate ? 0 : 1), $"{label}: {changed} parameters differ from the clean file's");
                Assert.All(model.Parameters.ToArray(), v => Assert.True(float.IsFinite(v), $"{label}: a non-finite weight loaded"));
                loaded++;
            }
            else
            {
                Assert.True(error.GetType() == typeof(InvalidDataException), $"{label}: {error}");
                Assert.Contains(path, error.Message, StringComparison.Ordinal);
                Assert.Equal(before, Bits(model.Parameters));
                rejected++;
            }
        }

        Assert.True(loaded >= 20 && rejected >= 100, $"loaded {loaded}, rejected {rejected}");
    }

    private static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();
}
