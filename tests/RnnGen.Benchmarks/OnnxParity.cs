namespace RnnGen.Benchmarks;

/// <summary>
/// Checks that an ONNX file computes what the RnnGen model it was exported from computes: the same inputs through
/// RnnGen's Predict (W1: 50 Steps, state carried) and through ONNX Runtime, every output within <see cref="Tolerance"/>.
/// The ONNX files carry the weights of freshly constructed RnnGen models, so a change to RnnGen's default
/// initialisation shows up here first (re-export: onnx/README.md).
/// </summary>
public static class OnnxParity
{
    public const double Tolerance = 1e-4;

    /// <summary>Largest absolute difference between RnnGen's and ONNX Runtime's outputs (W1: outputs and cell states of every step).</summary>
    public static double MaxDifference(OnnxWorkload workload, OnnxRunner runner)
    {
        RnnGenModel model = workload.Create();
        double max = 0;
        if (workload.Streaming)
        {
            float[] x = OnnxWorkload.RandomInputs(7, 50 * workload.InputSize);
            var output = new float[workload.OutputSize];
            for (int t = 0; t < 50; t++)
            {
                float[] step = x.AsSpan(t * workload.InputSize, workload.InputSize).ToArray();
                model.Step!(step, output);
                step.CopyTo(runner.Input, 0);
                runner.Run();
                max = Math.Max(max, MaxAbs(output, runner.Output));
                if (workload.HasCell)
                {
                    max = Math.Max(max, MaxAbs(model.State!.Values.Slice(workload.Hidden, workload.Hidden).ToArray(), runner.Cell));
                }
            }
        }
        else
        {
            float[] x = OnnxWorkload.RandomInputs(7, workload.InputLength);
            var expected = new float[workload.OutputLength];
            model.Predict!(x, workload.Batch, workload.Time, expected);
            x.CopyTo(runner.Input, 0);
            runner.Run();
            max = MaxAbs(expected, runner.Output);
        }

        return max;
    }

    /// <summary>Throws unless <see cref="MaxDifference"/> is within <see cref="Tolerance"/>; runs on a runner of its own, so a benchmark's state is untouched.</summary>
    public static void Check(OnnxWorkload workload)
    {
        using var runner = new OnnxRunner(workload);
        double difference = MaxDifference(workload, runner);
        if (!(difference <= Tolerance))
        {
            throw new InvalidOperationException(
                $"{workload.Name}: ONNX Runtime ({workload.File}.onnx) and RnnGen differ by {difference:G3}, expected at most {Tolerance:G3}; " +
                "re-export the ONNX files from the current weights (tests/RnnGen.Benchmarks/onnx/README.md).");
        }
    }

    private static double MaxAbs(float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new InvalidOperationException($"Output lengths differ: RnnGen {expected.Length}, ONNX Runtime {actual.Length}.");
        }

        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)expected[i] - actual[i]));
        }

        return max;
    }
}
