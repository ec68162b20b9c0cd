using RnnGen.Training;

namespace RnnGen.Tests.Models;

/// <summary>Padding, token streaming, allocation and misuse of generated models beyond the happy paths of ModelBehaviourTests.</summary>
public sealed class ModelEdgeTests
{
    private static float[] RandomFloats(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>A [B, T, F] batch whose padded steps hold NaN: if padding leaked anywhere the outputs would show it.</summary>
    private static float[] PaddedWithNaN(float[] inputs, int[] lengths, int T, int F)
    {
        float[] copy = (float[])inputs.Clone();
        for (int b = 0; b < lengths.Length; b++)
            copy.AsSpan((b * T + lengths[b]) * F, (T - lengths[b]) * F).Fill(float.NaN);
        return copy;
    }

    [Fact]
    public void A_last_step_output_of_a_padded_sequence_equals_running_it_alone()
    {
        const int T = 9;
        int[] lengths = { 9, 4, 1, 6 };
        var model = new Forecaster(seed: 2);
        float[] inputs = PaddedWithNaN(RandomFloats(lengths.Length * T, 3), lengths, T, 1);
        float[] batch = new float[lengths.Length];
        model.Predict(inputs, lengths.Length, T, batch, lengths);
        for (int b = 0; b < lengths.Length; b++)
        {
            float[] alone = new float[1];
            model.Predict(inputs.AsSpan(b * T, lengths[b]), 1, lengths[b], alone);
            Assert.Equal(alone[0], batch[b], 5);
        }
    }

    [Fact]
    public void A_bidirectional_last_step_output_of_a_padded_sequence_equals_running_it_alone()
    {
        // The backward direction must start at each sequence's own last step, not at the padded end.
        const int T = 7, F = BiSummarizer.InputSize, K = BiSummarizer.OutputSize;
        int[] lengths = { 3, 7, 5 };
        var model = new BiSummarizer(seed: 4, Initializer.PyTorch);
        float[] inputs = PaddedWithNaN(RandomFloats(lengths.Length * T * F, 5), lengths, T, F);
        float[] batch = new float[lengths.Length * K];
        model.Predict(inputs, lengths.Length, T, batch, lengths);
        for (int b = 0; b < lengths.Length; b++)
        {
            float[] alone = new float[K];
            model.Predict(inputs.AsSpan(b * T * F, lengths[b] * F), 1, lengths[b], alone);
            for (int k = 0; k < K; k++) Assert.Equal(alone[k], batch[b * K + k], 5);
        }

        // … and the padded run is not simply the unpadded one (the lengths mattered).
        float[] unpaddedInputs = RandomFloats(T * F, 5);
        float[] full = new float[K], prefix = new float[K];
        model.Predict(unpaddedInputs, 1, T, full);
        model.Predict(unpaddedInputs, 1, T, prefix, new[] { 3 });
        Assert.NotEqual(full, prefix);
    }

    [Fact]
    public void Gradients_of_a_padded_batch_are_the_sum_of_each_sequence_alone()
    {
        const int T = 6, F = StreamModel.InputSize, K = StreamModel.OutputSize;
        int[] lengths = { 6, 2, 4 };
        int B = lengths.Length;
        float[] inputs = RandomFloats(B * T * F, 8);
        float[] dOut = RandomFloats(B * T * K, 9);
        var model = new StreamModel(seed: 3);
        model.ZeroGradients();
        model.Forward(PaddedWithNaN(inputs, lengths, T, F), B, T, default, lengths);
        float[] dInput = new float[B * T * F];
        model.Backward(dOut, inputGradient: dInput);
        float[] batched = model.Gradients.ToArray();

        var alone = new StreamModel(seed: 3);
        alone.ZeroGradients();
        for (int b = 0; b < B; b++)
        {
            int n = lengths[b];
            alone.Forward(inputs.AsSpan(b * T * F, n * F), 1, n, default);
            float[] dInputAlone = new float[n * F];
            alone.Backward(dOut.AsSpan(b * T * K, n * K), inputGradient: dInputAlone);
            for (int i = 0; i < n * F; i++) Assert.Equal(dInputAlone[i], dInput[b * T * F + i], 4);
            for (int i = n * F; i < T * F; i++) Assert.Equal(0f, dInput[b * T * F + i]);
        }

        float[] summed = alone.Gradients.ToArray();
        for (int i = 0; i < summed.Length; i++) Assert.True(Math.Abs(summed[i] - batched[i]) <= 1e-5f * Math.Max(1, Math.Abs(summed[i])), $"gradient {i}: batch {batched[i]}, alone {summed[i]}");
        Assert.Contains(batched, g => g != 0);
    }

    [Fact]
    public void Stepping_token_by_token_gives_what_Predict_gives_for_each_prefix()
    {
        var model = new HelloModel(seed: 6);
        int[] tokens = { 0, 1, 2, 2, 3, 1, 0 };
        HelloModel.State state = model.CreateState();
        float[] step = new float[HelloModel.OutputSize];
        for (int t = 0; t < tokens.Length; t++)
        {
            model.Step(tokens[t], step, state);
            float[] predicted = new float[(t + 1) * HelloModel.OutputSize];
            model.Predict(tokens.AsSpan(0, t + 1), 1, t + 1, predicted);
            for (int k = 0; k < HelloModel.OutputSize; k++) Assert.Equal(predicted[t * HelloModel.OutputSize + k], step[k], 5);
            Assert.Equal(1f, step.Sum(), 5); // softmax probabilities
        }
    }

    [Fact]
    public void Token_Step_and_the_low_level_training_pass_allocate_nothing_after_warm_up()
    {
        var tokens = new HelloModel(seed: 1);
        HelloModel.State tokenState = tokens.CreateState();
        float[] probabilities = new float[HelloModel.OutputSize];
        tokens.Step(2, probabilities, tokenState);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 50; t++) tokens.Step(t % 4, probabilities, tokenState);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        const int B = 3, T = 8;
        var model = new StreamModel(seed: 2);
        StreamModel.State state = model.CreateState(B), dFinal = model.CreateState(B), dInitial = model.CreateState(B);
        float[] inputs = RandomFloats(B * T * StreamModel.InputSize, 1), outputs = new float[B * T * StreamModel.OutputSize];
        float[] dOut = RandomFloats(outputs.Length, 2), dInput = new float[inputs.Length];
        int[] lengths = { 8, 5, 3 };
        void Window()
        {
            model.Forward(inputs, B, T, outputs, lengths, state);
            model.Backward(dOut, dFinal, dInput, dInitial);
        }

        Window();
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Window();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_smaller_batch_after_a_larger_one_reuses_the_workspace_and_gives_the_same_rows()
    {
        var model = new TokenTagger(seed: 5);
        int[] ids = Enumerable.Range(0, 4 * 6).Select(i => (i * 13) % 50).ToArray();
        float[] big = new float[4 * 6 * TokenTagger.OutputSize];
        model.Predict(ids, 4, 6, big);
        float[] small = new float[2 * 6 * TokenTagger.OutputSize];
        long before = GC.GetAllocatedBytesForCurrentThread();
        model.Predict(ids.AsSpan(0, 2 * 6), 2, 6, small);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(big.AsSpan(0, small.Length).ToArray(), small);
    }

    [Fact]
    public void Streaming_and_gradient_arguments_are_checked_by_name()
    {
        var model = new StreamModel();
        StreamModel.State two = model.CreateState(2);
        int wrong = 3;
        var ex = Assert.Throws<ArgumentException>(() => model.Step(new float[wrong], new float[4], two));
        Assert.Equal("inputs", ex.ParamName);
        Assert.Contains("4", ex.Message); // 2 streams · InputSize 2
        ex = Assert.Throws<ArgumentException>(() => model.Step(new float[4], new float[wrong], two));
        Assert.Equal("output", ex.ParamName);
        Assert.Throws<ArgumentNullException>(() => model.Step(new float[4], new float[4], null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateState(0));

        ex = Assert.Throws<ArgumentException>(() => model.Forward(new float[1 * 5 * 2], 1, 5, default, default, two));
        Assert.Equal("state", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => model.Predict(new float[2 * 5 * 2], 2, 5, new float[2 * 5 * 2], new[] { 5 }));
        Assert.Equal("lengths", ex.ParamName);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(new float[0], 0, 5, new float[0]));
        Assert.Equal("batchSize", range.ParamName);

        model.Forward(new float[1 * 5 * 2], 1, 5, default);
        ex = Assert.Throws<ArgumentException>(() => model.Backward(new float[wrong]));
        Assert.Equal("outputGradient", ex.ParamName);
        Assert.Contains("10", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => model.Backward(new float[10], finalStateGradient: two));
        Assert.Equal("finalStateGradient", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => model.Backward(new float[10], inputGradient: new float[wrong]));
        Assert.Equal("inputGradient", ex.ParamName);
    }

    [Fact]
    public void A_batch_whose_workspace_would_overflow_an_array_is_refused_by_name()
    {
        // 40,000 steps · (30,000 embedding floats + their gradient + …) per step > 2³¹ floats.
        var model = new WideEmbedding(seed: 1);
        int[] tokens = new int[40_000];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(tokens, 1, tokens.Length, new float[tokens.Length]));
        Assert.Equal("batchSize", ex.ParamName);
        Assert.Contains("1·40000", ex.Message);

        float[] small = new float[10];
        model.Predict(tokens.AsSpan(0, 10), 1, 10, small); // a batch that fits still runs
        Assert.All(small, v => Assert.Equal(small[0], v));
    }

    [Fact]
    public void The_two_backward_passes_refuse_the_other_forward()
    {
        var model = new HelloModel(seed: 1);
        int[] ids = { 0, 1, 2, 2 };
        var batch = new SequenceBatch { BatchSize = 1, TimeSteps = 4, Tokens = ids, ClassTargets = new[] { 1, 2, 2, 3 } };
        model.Forward(batch, default);
        // The fused loss left logits in the last layer: a caller-supplied output gradient cannot be applied to them.
        Assert.Throws<InvalidOperationException>(() => model.Backward(new float[4 * HelloModel.OutputSize]));

        model.Forward(ids, 1, 4, new float[4 * HelloModel.OutputSize]);
        // No loss was computed for this forward: Backward() has no gradient to start from.
        Assert.Throws<InvalidOperationException>(() => model.Backward());
        model.Backward(new float[4 * HelloModel.OutputSize]); // the matching pass works
    }
}
