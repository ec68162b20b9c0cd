using RnnGen.Data;
using RnnGen.Training;

namespace RnnGen.Tests.Models;

public sealed class ModelBehaviourTests
{
    private static float[] RandomFloats(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Fact]
    public void Summary_parameter_counts_equal_Keras()
    {
        string two = new KerasSummaryTwo().Summary();
        Assert.Contains("320,000", two);
        Assert.Contains("2,080", two);
        Assert.Contains("Total params: 322,080", two);
        Assert.Equal(322_080, KerasSummaryTwo.ParameterCount);

        string stacked = new KerasSummaryStacked().Summary();
        Assert.Contains("Total params: 328,320", stacked);
        Assert.Equal(328_320, KerasSummaryStacked.ParameterCount);
        Assert.Equal(2_080, KerasSummaryStacked.Sizes.Rnn4ParameterCount);
        Assert.Contains("(None, 32)", stacked); // the last layer returns its last step only
    }

    [Fact]
    public void Predict_and_Step_allocate_nothing_after_warm_up()
    {
        var model = new Forecaster(seed: 3);
        float[] inputs = RandomFloats(4 * 20, 1), outputs = new float[4];
        int[] lengths = { 20, 7, 13, 1 };
        model.Predict(inputs, 4, 20, outputs, lengths);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) model.Predict(inputs, 4, 20, outputs, lengths);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        Forecaster.State state = model.CreateState();
        float[] output = new float[1];
        model.Step(inputs.AsSpan(0, 1), output, state);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 100; t++) model.Step(inputs.AsSpan(t % 80, 1), output, state);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        var tokens = new TokenTagger(seed: 1);
        int[] ids = Enumerable.Range(0, 2 * 9).Select(i => i % 50).ToArray();
        float[] tags = new float[2 * 9 * 5];
        tokens.Predict(ids, 2, 9, tags);
        before = GC.GetAllocatedBytesForCurrentThread();
        tokens.Predict(ids, 2, 9, tags);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_training_step_allocates_nothing_after_warm_up()
    {
        var model = new TokenTagger(seed: 2);
        var optimizer = new Adam(0.01f) { ClipNorm = 1f };
        int[] ids = Enumerable.Range(0, 4 * 6).Select(i => (i * 7) % 50).ToArray();
        int[] classes = Enumerable.Range(0, 4 * 6).Select(i => i % 5).ToArray();
        int[] lengths = { 6, 3, 5, 1 };
        void TrainStep()
        {
            var batch = new SequenceBatch { BatchSize = 4, TimeSteps = 6, Tokens = ids, Lengths = lengths, ClassTargets = classes };
            model.ZeroGradients();
            model.Forward(batch, default);
            model.Backward();
            optimizer.Update(model.Parameters, model.Gradients);
        }

        TrainStep();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) TrainStep();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Stepping_through_a_sequence_gives_what_Predict_gives_for_each_prefix()
    {
        var model = new Forecaster(seed: 5);
        float[] inputs = RandomFloats(12, 2);
        Forecaster.State state = model.CreateState();
        float[] step = new float[1], predicted = new float[1];
        for (int t = 0; t < 12; t++)
        {
            model.Step(inputs.AsSpan(t, 1), step, state);
            model.Predict(inputs.AsSpan(0, t + 1), 1, t + 1, predicted);
            Assert.Equal(predicted[0], step[0], 5);
        }

        state.Reset();
        model.Step(inputs.AsSpan(0, 1), step, state);
        model.Predict(inputs.AsSpan(0, 1), 1, 1, predicted);
        Assert.Equal(predicted[0], step[0], 5);
    }

    [Fact]
    public void Padded_steps_change_nothing()
    {
        var model = new TokenTagger(seed: 4);
        int[] ids = Enumerable.Range(0, 3 * 8).Select(i => (i * 11) % 50).ToArray();
        int[] lengths = { 8, 3, 5 };
        float[] batch = new float[3 * 8 * 5];
        model.Predict(ids, 3, 8, batch, lengths);
        for (int b = 0; b < 3; b++)
        {
            int n = lengths[b];
            float[] alone = new float[n * 5];
            model.Predict(ids.AsSpan(b * 8, n), 1, n, alone);
            for (int i = 0; i < n * 5; i++) Assert.Equal(alone[i], batch[b * 8 * 5 + i], 5);
            for (int i = n * 5; i < 8 * 5; i++) Assert.Equal(0f, batch[b * 8 * 5 + i]);
        }
    }

    [Fact]
    public void A_batch_gives_each_sequence_what_it_gets_alone()
    {
        // Batches of ≥ 4 sequences and ≥ 4 steps multiply by a transposed W_hh; one sequence multiplies by W_hh itself.
        var gru = new StreamModel(seed: 3);
        RandomFloats(gru.Parameters.Length, 12).CopyTo(gru.Parameters); // non-zero biases too
        const int B = 5, T = 7;
        float[] inputs = RandomFloats(B * T * 2, 8), batched = new float[B * T * 2], alone = new float[T * 2];
        gru.Predict(inputs, B, T, batched);
        for (int b = 0; b < B; b++)
        {
            gru.Predict(inputs.AsSpan(b * T * 2, T * 2), 1, T, alone);
            for (int i = 0; i < T * 2; i++) Assert.True(Math.Abs(alone[i] - batched[b * T * 2 + i]) < 1e-5, $"sequence {b}, value {i}: alone {alone[i]}, in the batch {batched[b * T * 2 + i]}");
        }
    }

    [Fact]
    public void Bad_arguments_name_the_parameter_and_both_sizes()
    {
        var model = new Forecaster();
        // Sizes held in variables: constant sizes would be compile-time errors (RNN0020) already.
        int tooFewInputs = 29, tooManyOutputs = 3;
        var ex = Assert.Throws<ArgumentException>(() => model.Predict(new float[tooFewInputs], 2, 15, new float[2]));
        Assert.Equal("inputs", ex.ParamName);
        Assert.Contains("30", ex.Message);
        Assert.Contains("29", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => model.Predict(new float[30], 2, 15, new float[tooManyOutputs]));
        Assert.Equal("outputs", ex.ParamName);

        var range = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(new float[30], 2, 15, new float[2], new[] { 15, 16 }));
        Assert.Contains("lengths[1]", range.Message);

        var tagger = new TokenTagger();
        range = Assert.Throws<ArgumentOutOfRangeException>(() => tagger.Predict(new[] { 1, 50 }, 1, 2, new float[10]));
        Assert.Contains("tokens[1]", range.Message);
        Assert.Contains("50", range.Message);

        Assert.Throws<InvalidOperationException>(() => new Forecaster().Backward(new float[1]));
    }

    [Fact]
    public void The_hello_character_model_learns_e_l_l_o_after_h_e_l_l()
    {
        // h = 0, e = 1, l = 2, o = 3: input "hell", targets "ello"
        var data = SequenceDataSet.FromTokens(new[] { 0, 1, 2, 2 }, 1, 4, new[] { 1, 2, 2, 3 }, targetsPerStep: true);
        var model = new HelloModel(seed: 0);
        TrainingHistory history = model.Fit(data, new Adam(0.05f), new FitOptions { Epochs = 100, BatchSize = 1 });

        float[] probabilities = new float[4 * 4];
        model.Predict(new[] { 0, 1, 2, 2 }, 1, 4, probabilities);
        int[] predicted = Enumerable.Range(0, 4).Select(t => Array.IndexOf(probabilities, probabilities.Skip(t * 4).Take(4).Max(), t * 4) - t * 4).ToArray();
        Assert.Equal(new[] { 1, 2, 2, 3 }, predicted);
        Assert.True(history.Epochs[^1].Metric == 1.0, "training accuracy should reach 1");
        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss / 10);
    }

    [Fact]
    public void Training_twice_with_the_same_seed_gives_identical_weights()
    {
        float[] Train()
        {
            var random = new Random(9);
            float[] inputs = Enumerable.Range(0, 64 * 10).Select(_ => (float)random.NextDouble()).ToArray();
            float[] targets = Enumerable.Range(0, 64).Select(i => inputs[i * 10 + 9]).ToArray();
            var data = SequenceDataSet.FromFloats(inputs, 64, 10, 1, targets, 1);
            var model = new Forecaster(seed: 7);
            model.Fit(data, new RmsProp(0.01f), new FitOptions { Epochs = 3, BatchSize = 8, Seed = 11, ValidationSplit = 0.25 });
            return model.Parameters.ToArray();
        }

        float[] first = Train(), second = Train();
        Assert.Equal(first, second);
        Assert.NotEqual(new Forecaster(seed: 7).Parameters.ToArray(), first); // it did train
    }

    [Fact]
    public void Truncated_BPTT_carries_the_state_and_backpropagates_within_the_window()
    {
        const int T = 10, W = 5;
        float[] stream = RandomFloats(T * 2, 4);
        var model = new StreamModel(seed: 1);

        // Full forward pass over the whole stream.
        float[] full = new float[T * 2];
        model.Predict(stream, 1, T, full);

        // Two windows with the state carried: outputs equal the full pass, and the carried state is what Step reaches.
        StreamModel.State carried = model.CreateState();
        float[] window = new float[W * 2];
        model.Forward(stream.AsSpan(0, W * 2), 1, W, window, default, carried);
        for (int i = 0; i < W * 2; i++) Assert.Equal(full[i], window[i], 5);
        float[] carriedAfterFirst = carried.Values.ToArray();

        StreamModel.State stepped = model.CreateState();
        float[] stepOut = new float[2];
        for (int t = 0; t < W; t++) model.Step(stream.AsSpan(t * 2, 2), stepOut, stepped);
        for (int i = 0; i < carriedAfterFirst.Length; i++) Assert.Equal(stepped.Values[i], carriedAfterFirst[i], 5);

        model.Forward(stream.AsSpan(W * 2), 1, W, window, default, carried);
        for (int i = 0; i < W * 2; i++) Assert.Equal(full[W * 2 + i], window[i], 5);

        // Gradients of the second window alone …
        float[] dOut = RandomFloats(W * 2, 5);
        model.ZeroGradients();
        model.Backward(dOut);
        float[] truncated = model.Gradients.ToArray();

        // … equal full BPTT on that window from the carried state, computed by a second model instance.
        var other = new StreamModel(seed: 1);
        StreamModel.State initial = other.CreateState();
        carriedAfterFirst.CopyTo(initial.Values);
        other.Forward(stream.AsSpan(W * 2), 1, W, window, default, initial);
        other.ZeroGradients();
        other.Backward(dOut);
        Assert.Equal(truncated, other.Gradients.ToArray());

        // … and differ from backpropagating through both windows (the truncation is real).
        var both = new StreamModel(seed: 1);
        both.Forward(stream, 1, T, full);
        float[] dBoth = new float[T * 2];
        dOut.CopyTo(dBoth, W * 2);
        both.ZeroGradients();
        both.Backward(dBoth);
        Assert.NotEqual(truncated, both.Gradients.ToArray());
    }

    [Fact]
    public void Save_and_load_round_trip_exactly_and_a_bad_file_leaves_the_model_unchanged()
    {
        string directory = Directory.CreateTempSubdirectory("rnngen").FullName;
        try
        {
            string path = Path.Combine(directory, "tagger.safetensors");
            var source = new TokenTagger(seed: 1);
            source.SaveWeights(path);
            Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
            var target = new TokenTagger(seed: 2);
            target.LoadWeights(path);
            Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());

            // A file for another model: wrong shapes, named.
            string other = Path.Combine(directory, "other.safetensors");
            new HelloModel(seed: 1).SaveWeights(other);
            float[] before = target.Parameters.ToArray();
            var ex = Assert.Throws<InvalidDataException>(() => target.LoadWeights(other));
            Assert.Contains("Words.weight", ex.Message);
            Assert.Equal(before, target.Parameters.ToArray());

            // Corrupt files: truncated, header length too large, bad JSON.
            byte[] good = File.ReadAllBytes(path);
            foreach (byte[] bad in new[] { good[..(good.Length - 3)], good[..5], Corrupt(good, 0, 0xFF), Corrupt(good, 9, (byte)'#') })
            {
                File.WriteAllBytes(path, bad);
                Assert.Throws<InvalidDataException>(() => target.LoadWeights(path));
                Assert.Equal(before, target.Parameters.ToArray());
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static byte[] Corrupt(byte[] bytes, int index, byte value)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[index] = value;
        return copy;
    }
}
