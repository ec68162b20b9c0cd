using RnnGen.Data;
using RnnGen.Generation;
using RnnGen.Training;

namespace RnnGen.Tests.Readme;

// README ↓ model
// Show and Tell in miniature: a number's digits, generated from a vector that stands for the number
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class DigitSpeller
{
    [Embedding(12, 8)] public partial EmbeddingLayer Digits { get; }          // 0 … 9, Start = 10, End = 11

    [Conditioned(16, Mode = ConditionMode.InitialState | ConditionMode.EveryStep), Gru(48, ReturnSequences = true)]
    public partial RecurrentLayer Speller { get; }                            // h_0 = tanh(W_c v + b_c); W_f v at every step

    [Dense(12, Activation.Softmax)] public partial DenseLayer Next { get; }
}
// README ↑

internal static class ReadmeConditionedExample
{
    public const int Start = 10, End = 11;

    public static (DigitSpeller Model, int[][] Greedy, int[][] Beam) Run(int[] inputs, int[] targets, float[] vectors, int count)
    {
        var greedy = new int[count][];
        var beams = new int[count][];
        // README ↓ body
        // inputs[n] = Start d1 d2 d3 d4, targets[n] = d1 d2 d3 d4 End; vectors[n] = the number's condition vector (16 floats)
        var data = SequenceDataSet.FromTokens(inputs, count, timeSteps: 5, targets, targetsPerStep: true).WithConditions(vectors, conditionSize: 16);
        var model = new DigitSpeller(seed: 1);
        model.Fit(data, new Adam(learningRate: 0.01f), new FitOptions { Epochs = 120, BatchSize = 4, Seed = 1 });

        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> v = vectors.AsSpan(n * 16, 16);
            greedy[n] = model.Generate(v, [Start], count: 5);                                  // d1 d2 d3 d4 End
            beams[n] = model.Generate(v, [Start], count: 5, new SamplingOptions { BeamWidth = 3 });
        }
        // README ↑
        return (model, greedy, beams);
    }
}
