using System.Diagnostics;
using System.Runtime.InteropServices;
using RnnGen.IO;
using Xunit.Abstractions;

namespace RnnGen.Tests.IO;

/// <summary>The fuzz tests allocate hard (hundreds of models, files and exceptions): they run alone, not beside tests that count allocations.</summary>
[CollectionDefinition(nameof(FuzzCollection), DisableParallelization = true)]
public sealed class FuzzCollection;

/// <summary>Hostile safetensors files: each loads to exactly what a plain reading gives, or throws one exception that names the file and the tensor and changes nothing.</summary>
[Collection(nameof(FuzzCollection))]
public sealed class WeightFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Cases = 600;

    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Mutated_files_load_exactly_or_are_rejected_naming_file_and_tensor_with_the_model_unchanged()
    {
        string ours = Path.Combine(_folder, "ours.safetensors");
        new TorchLstmLinear(seed: 7).SaveWeights(ours);
        byte[][] bases = [File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "IO", "TorchFiles", "lstm_linear.safetensors")), File.ReadAllBytes(ours)];
        new TorchLstmLinear().LoadWeights(ours); // first-call costs out of the allocation counts below

        var random = new Random(14);
        var outcomes = new Dictionary<string, (int Loaded, int Rejected)>();
        var slowest = (Ticks: 0L, Label: "");
        for (int i = 0; i < Cases; i++)
        {
            Mutation m = SafetensorsMutations.Make(bases[i % 2], random, i / 2 % SafetensorsMutations.KindCount);
            string path = Path.Combine(_folder, $"case-{i:D3}.safetensors");
            File.WriteAllBytes(path, m.Bytes);
            string label = $"case {i} ({m.Kind})";

            var model = new TorchLstmLinear(seed: 1);
            int[] before = Bits(model.Parameters);
            long allocated = GC.GetAllocatedBytesForCurrentThread(), started = Stopwatch.GetTimestamp();
            Exception? error = Record.Exception(() => model.LoadWeights(path));
            long ticks = Stopwatch.GetTimestamp() - started;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (ticks > slowest.Ticks) slowest = (ticks, label);

            // A hang guard, not a speed figure: a load takes tens of microseconds, and the issue's bound is 1 s per file.
            Assert.True(ticks < Stopwatch.Frequency, $"{label}: the load took {ticks * 1e3 / Stopwatch.Frequency:F0} ms");

            // Bounded work: nothing the header claims is allocated before it is checked against the file's size.
            Assert.True(allocated < 1_000_000 + 64L * m.Bytes.Length, $"{label}: allocated {allocated} bytes for a file of {m.Bytes.Length}");
            if (error is null)
            {
                Assert.True(m.Expect != Outcome.MustFail, $"{label}: loaded but must be rejected");
                AssertLoadedAsRead(model, m.Bytes, label);
            }
            else
            {
                Assert.True(m.Expect != Outcome.MustLoad, $"{label}: rejected but valid: {error}");
                Assert.True(error.GetType() == typeof(InvalidDataException), $"{label}: {error}");
                Assert.Contains(path, error.Message, StringComparison.Ordinal);
                if (m.Tensor is not null)
                {
                    Assert.True(error.Message.Contains($"'{m.Tensor}'", StringComparison.Ordinal) || error.Message.Contains($"{m.Tensor}:", StringComparison.Ordinal),
                        $"{label}: the message does not name '{m.Tensor}': {error.Message}");
                }

                Assert.Equal(before, Bits(model.Parameters));
            }

            if (m.Kind == "non-finite value")
            {
                // the explicit option loads it, bit for bit
                var permissive = new TorchLstmLinear(seed: 1);
                WeightFile.Load(path, permissive.NamedParameters, new WeightLoadOptions { AllowNonFinite = true });
                AssertLoadedAsRead(permissive, m.Bytes, label + " with AllowNonFinite");
            }

            (int loaded, int rejected) = outcomes.GetValueOrDefault(m.Kind);
            outcomes[m.Kind] = error is null ? (loaded + 1, rejected) : (loaded, rejected + 1);
        }

        output.WriteLine($"slowest load: {slowest.Label}, {slowest.Ticks * 1e3 / Stopwatch.Frequency:F2} ms; outcomes: {string.Join(", ", outcomes)}");

        // The mix exercises both sides: valid rewrites and flips that load, and every hostile kind rejected.
        Assert.True(outcomes.Values.Sum(o => o.Loaded) >= 60, string.Join(", ", outcomes));
        Assert.True(outcomes.Values.Sum(o => o.Rejected) >= 350, string.Join(", ", outcomes));
    }

    /// <summary>The model holds what an independent reading of the file gives, PyTorch's bias_hh added to bias_ih.</summary>
    private static void AssertLoadedAsRead(TorchLstmLinear model, byte[] bytes, string label)
    {
        Dictionary<string, float[]> file = SafetensorsMutations.PlainReading(bytes);
        foreach (NamedTensor t in model.NamedParameters)
        {
            float[] expected = (float[])file[t.Name].Clone();
            if (t.Name == "Rnn.bias_ih_l0")
            {
                float[] twin = file["Rnn.bias_hh_l0"];
                for (int k = 0; k < expected.Length; k++)
                {
                    expected[k] += twin[k];
                }
            }

            Assert.True(Bits(expected).AsSpan().SequenceEqual(Bits(t.Values.Span)), $"{label}: {t.Name} differs from the plain reading");
        }
    }

    private static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();
}
