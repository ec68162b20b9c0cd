namespace RnnGen.Benchmarks;

/// <summary>The program's ONNX modes: <c>--save-weights DIR</c> (input of onnx/export_onnx.py) and <c>--check</c>.</summary>
public static class OnnxModes
{
    /// <summary>Writes each ONNX workload's freshly constructed RnnGen weights to DIR/&lt;file&gt;.safetensors (PyTorch names).</summary>
    public static int SaveWeights(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (OnnxWorkload workload in OnnxWorkload.All)
        {
            string path = Path.Combine(directory, workload.File + ".safetensors");
            workload.Create().SaveWeights(path);
            Console.WriteLine($"{workload.Name,-22} {path}");
        }

        return 0;
    }

    /// <summary>Runs every ONNX file and its RnnGen model on the same inputs; prints the largest difference; exit code 1 if one exceeds the tolerance.</summary>
    public static int Check()
    {
        int failures = 0;
        foreach (OnnxWorkload workload in OnnxWorkload.All)
        {
            using var runner = new OnnxRunner(workload);
            double difference = OnnxParity.MaxDifference(workload, runner);
            bool ok = difference <= OnnxParity.Tolerance;
            failures += ok ? 0 : 1;
            Console.WriteLine($"{workload.Name,-22} {workload.File}.onnx  max |RnnGen − ONNX Runtime| = {difference:E2}  {(ok ? "ok" : "FAILED")}");
        }

        Console.WriteLine(failures == 0 ? $"check passed (tolerance {OnnxParity.Tolerance:G})" : $"{failures} workload(s) differ by more than {OnnxParity.Tolerance:G}");
        return failures == 0 ? 0 : 1;
    }
}
