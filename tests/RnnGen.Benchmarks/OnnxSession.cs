using Microsoft.ML.OnnxRuntime;

namespace RnnGen.Benchmarks;

/// <summary>A float tensor whose managed array ONNX Runtime reads or writes in place (no copy per call).</summary>
public sealed class OrtTensor : IDisposable
{
    public OrtTensor(params long[] shape)
    {
        Data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        Value = OrtValue.CreateTensorValueFromMemory(Data, shape);
    }

    /// <summary>The values, shared with <see cref="Value"/>.</summary>
    public float[] Data { get; }

    /// <summary>The tensor as ONNX Runtime sees it, over <see cref="Data"/>.</summary>
    public OrtValue Value { get; }

    public void Dispose() => Value.Dispose();
}

/// <summary>
/// One ONNX file in an inference session set up as the benchmark compares it: one intra-op and one inter-op thread,
/// sequential execution, every graph optimisation; runs over caller-owned, pre-allocated inputs and outputs bound once.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    public OnnxSession(string file)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(Locate(file), options);
    }

    /// <summary>
    /// Binds the graph's inputs and outputs to caller-owned tensors once (ONNX Runtime's zero-copy I/O binding), so a
    /// <see cref="Run"/> marshals nothing per call.
    /// </summary>
    public OrtIoBinding Bind(string[] inputNames, OrtValue[] inputs, string[] outputNames, OrtValue[] outputs)
    {
        OrtIoBinding binding = _session.CreateIoBinding();
        for (int i = 0; i < inputNames.Length; i++)
        {
            binding.BindInput(inputNames[i], inputs[i]);
        }

        for (int i = 0; i < outputNames.Length; i++)
        {
            binding.BindOutput(outputNames[i], outputs[i]);
        }

        return binding;
    }

    /// <summary>Runs the graph on <paramref name="binding"/>'s tensors: reads its inputs, writes its outputs in place.</summary>
    public void Run(OrtIoBinding binding) => _session.RunWithBinding(_runOptions, binding);

    /// <summary>
    /// The path of <paramref name="file"/> (e.g. "w2_lstm.onnx"): beside the program (copied at build), else in the
    /// source tree's <c>tests/RnnGen.Benchmarks/onnx</c> found by walking up from it (BenchmarkDotNet's child builds).
    /// </summary>
    public static string Locate(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "onnx", file), Path.Combine(dir.FullName, "tests", "RnnGen.Benchmarks", "onnx", file) })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"{file}: not found in an onnx/ folder beside or above {AppContext.BaseDirectory}; see tests/RnnGen.Benchmarks/onnx/README.md.", file);
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
