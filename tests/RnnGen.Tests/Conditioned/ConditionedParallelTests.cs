using RnnGen.Layers;
using RnnGen.Tests.Kernels;
using RnnGen.Training;

namespace RnnGen.Tests.Conditioned;

/// <summary>A conditioned layer split over threads (its per-sequence W_f v crosses to the shares pinned): the numbers of one thread.</summary>
[Collection(nameof(ParallelismCollection))]
public sealed class ConditionedParallelTests
{
    [Fact]
    public void Split_calls_give_the_outputs_and_gradients_of_one_thread()
    {
        const int B = 4, T = 5;
        var random = new Random(3);
        int[] tokens = Enumerable.Range(0, B * T).Select(_ => random.Next(7)).ToArray();
        int[] targets = Enumerable.Range(0, B * T).Select(_ => random.Next(7)).ToArray();
        int[] lengths = { 5, 3, 4, 1 };
        float[] conditions = Enumerable.Range(0, B * 4).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        (float[] Outputs, float[] Gradients, float[] ConditionGradient) Run()
        {
            var model = new CaptionGru(seed: 2);
            var outputs = new float[B * T * CaptionGru.OutputSize];
            model.Predict(conditions, tokens, B, T, outputs, lengths);
            model.Forward(new SequenceBatch { BatchSize = B, TimeSteps = T, Tokens = tokens, Lengths = lengths, ClassTargets = targets, Conditions = conditions }, default);
            model.Backward();
            var dv = new float[conditions.Length];
            model.Forward(conditions, tokens, B, T, default, lengths);
            model.Backward(outputs, dv);
            return (outputs, model.Gradients.ToArray(), dv);
        }

        var one = Run();
        Parallelism.Threads = 2;
        RecurrentParallel.MinimumWork = 0;
        try
        {
            var two = Run();
            Assert.Equal(one.Outputs, two.Outputs);
            Assert.Equal(one.Gradients, two.Gradients);
            Assert.Equal(one.ConditionGradient, two.ConditionGradient);
        }
        finally
        {
            Parallelism.Threads = 1;
            RecurrentParallel.MinimumWork = RecurrentParallel.DefaultMinimumWork;
        }
    }
}
