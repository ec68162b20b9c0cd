// README ↓ usings
using Microsoft.ML.OnnxRuntime;
using RnnGen.Data;
using RnnGen.IO.Onnx;
using RnnGen.Training;
// README ↑

namespace RnnGen.Tests.Onnx;

/// <summary>The README's "Deploying with ONNX Runtime" code: the marked lines are the README block, verbatim (ReadmeOnnxTests checks).</summary>
internal static class ReadmeOnnxExample
{
    public static (float[] FromOnnx, float[] FromRnnGen, float[] Targets) Run()
    {
        // README ↓ body
        // 1. Train with RnnGen: the Forecaster declared above learns the next value of a sine wave
        int count = 64, steps = 10;
        float[] inputs = new float[count * steps], targets = new float[count];
        for (int s = 0; s < count; s++)
        {
            for (int t = 0; t < steps; t++) inputs[s * steps + t] = MathF.Sin(0.3f * (s + t));
            targets[s] = MathF.Sin(0.3f * (s + steps));
        }

        var model = new Forecaster(seed: 1);
        model.Fit(SequenceDataSet.FromFloats(inputs, count, steps, 1, targets, 1), new Adam(learningRate: 0.02f), new FitOptions { Epochs = 20 });

        // 2. Export: standard ONNX operators, opset 14
        string path = Path.Combine(Path.GetTempPath(), "forecaster.onnx");
        model.ExportOnnx(path);

        // 3. Run it in ONNX Runtime: inputs "input" [batch, time, 1] and "lengths" [batch] (int32); output "output" [batch, 1]
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, [count, steps, 1]);
        using var lengths = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(steps, count).ToArray(), [count]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { ["input"] = input, ["lengths"] = lengths }, ["output"]);
        float[] fromOnnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        float[] fromRnnGen = new float[count];
        model.Predict(inputs, count, steps, fromRnnGen);
        Console.WriteLine($"ONNX Runtime vs Predict, largest difference: {fromOnnx.Zip(fromRnnGen, (a, b) => MathF.Abs(a - b)).Max():G2}");
        // README ↑
        return (fromOnnx, fromRnnGen, targets);
    }
}
