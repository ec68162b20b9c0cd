using RnnGen.Generated;
using RnnGen.Generation;
using RnnGen.Tests.Models;
using RnnGen.Tests.OutputRecurrence;
using RnnGen.Training;
using RnnGen.Trees;
using RnnGen.Tests.Trees;

namespace RnnGen.Tests.Reliability;

/// <summary>
/// The concurrency contract: inference members on one instance from several threads give the one-thread results bit for
/// bit; training members refuse to overlap each other or inference on another thread.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Threads = 4, Calls = 10_000, Cases = 8;

    /// <summary><see cref="ConcurrentCalls.Run"/> with this class's <see cref="Threads"/> and <see cref="Calls"/>.</summary>
    private static long[] OnThreads(Action<int, int> body, int warmUp = Calls) => ConcurrentCalls.Run(Threads, Calls, body, warmUp);

    [Fact]
    public void Predict_from_four_threads_equals_one_thread_bitwise()
    {
        const int B = 2, T = 5;
        var model = new HelloModel(seed: 3);
        int[][] tokens = Enumerable.Range(0, Cases).Select(c => Enumerable.Range(0, B * T).Select(i => (i * 7 + c * 3) % 4).ToArray()).ToArray();
        int[] lengths = { 5, 3 };
        float[][] expected = tokens.Select(x =>
        {
            float[] y = new float[B * T * HelloModel.OutputSize];
            model.Predict(x, B, T, y, lengths);
            return y;
        }).ToArray();
        var floats = new TinyRegressor(seed: 4);
        float[][] series = Enumerable.Range(0, Cases).Select(c => TestFloats.Uniform(B * T * TinyRegressor.InputSize, c)).ToArray();
        float[][] forecasts = series.Select(x =>
        {
            float[] y = new float[B];
            floats.Predict(x, B, T, y);
            return y;
        }).ToArray();

        float[][] outputs = Enumerable.Range(0, Threads).Select(_ => new float[B * T * HelloModel.OutputSize]).ToArray();
        float[][] forecastOutputs = Enumerable.Range(0, Threads).Select(_ => new float[B]).ToArray();
        int[] wrong = new int[Threads];
        OnThreads((thread, call) =>
        {
            int c = (call + thread) % Cases;
            model.Predict(tokens[c], B, T, outputs[thread], lengths);
            floats.Predict(series[c], B, T, forecastOutputs[thread]);
            if (!outputs[thread].AsSpan().SequenceEqual(expected[c]) || !forecastOutputs[thread].AsSpan().SequenceEqual(forecasts[c])) wrong[thread]++;
        });
        Assert.Equal(new int[Threads], wrong);
    }

    [Fact]
    public void Step_with_a_state_per_thread_equals_one_thread_bitwise()
    {
        var model = new HelloModel(seed: 5);
        const int Period = 25; // each thread restarts its stream every Period steps
        float[][] expected = new float[Period][];
        HelloModel.State reference = model.CreateState();
        for (int t = 0; t < Period; t++)
        {
            expected[t] = new float[HelloModel.OutputSize];
            model.Step((t * 5) % 4, expected[t], reference);
        }

        var streams = new StreamModel(seed: 6);
        float[] inputs = TestFloats.Uniform(Period * 2 * StreamModel.InputSize, 7);
        float[][] streamExpected = new float[Period][];
        StreamModel.State streamReference = streams.CreateState(2);
        for (int t = 0; t < Period; t++)
        {
            streamExpected[t] = new float[2 * StreamModel.OutputSize];
            streams.Step(inputs.AsSpan(t * 2 * StreamModel.InputSize, 2 * StreamModel.InputSize), streamExpected[t], streamReference);
        }

        HelloModel.State[] states = Enumerable.Range(0, Threads).Select(_ => model.CreateState()).ToArray();
        StreamModel.State[] streamStates = Enumerable.Range(0, Threads).Select(_ => streams.CreateState(2)).ToArray();
        float[][] outputs = Enumerable.Range(0, Threads).Select(_ => new float[HelloModel.OutputSize]).ToArray();
        float[][] streamOutputs = Enumerable.Range(0, Threads).Select(_ => new float[2 * StreamModel.OutputSize]).ToArray();
        int[] wrong = new int[Threads];
        OnThreads((thread, call) =>
        {
            int t = call % Period;
            if (t == 0)
            {
                states[thread].Reset();
                streamStates[thread].Reset();
            }

            model.Step((t * 5) % 4, outputs[thread], states[thread]);
            streams.Step(inputs.AsSpan(t * 2 * StreamModel.InputSize, 2 * StreamModel.InputSize), streamOutputs[thread], streamStates[thread]);
            if (!outputs[thread].AsSpan().SequenceEqual(expected[t]) || !streamOutputs[thread].AsSpan().SequenceEqual(streamExpected[t])) wrong[thread]++;
        });
        Assert.Equal(new int[Threads], wrong);
    }

    [Fact]
    public void Generate_from_four_threads_equals_one_thread()
    {
        var model = new HelloModel(seed: 8);
        var options = new SamplingOptions { Temperature = 1.5f, Seed = 11 };
        int[][] prefixes = Enumerable.Range(0, Cases).Select(c => new[] { c % 4, (c / 4 + 1) % 4 }).ToArray();
        int[][] expected = prefixes.Select(p =>
        {
            int[] output = new int[4];
            model.Generate(p, output, new TokenSampler(options), model.CreateState());
            return output;
        }).ToArray();
        Assert.True(expected.Select(e => string.Join(",", e)).Distinct().Count() > 1, "the cases should generate different tokens");

        HelloModel.State[] states = Enumerable.Range(0, Threads).Select(_ => model.CreateState()).ToArray();
        int[][] outputs = Enumerable.Range(0, Threads).Select(_ => new int[4]).ToArray();
        int[] wrong = new int[Threads];
        OnThreads((thread, call) =>
        {
            int c = (call + thread) % Cases;
            states[thread].Reset();
            model.Generate(prefixes[c], outputs[thread], new TokenSampler(options), states[thread]);
            if (!outputs[thread].AsSpan().SequenceEqual(expected[c])) wrong[thread]++;
        });
        Assert.Equal(new int[Threads], wrong);
    }

    [Fact]
    public void Output_recurrent_Predict_and_Step_from_four_threads_equal_one_thread_bitwise()
    {
        const int B = 2, T = 4;
        var model = new FeedbackForecaster(seed: 9);
        float[][] inputs = Enumerable.Range(0, Cases).Select(c => TestFloats.Uniform(B * T * FeedbackForecaster.InputSize, 20 + c)).ToArray();
        float[][] expected = inputs.Select(x =>
        {
            float[] y = new float[B * T * FeedbackForecaster.OutputSize];
            model.Predict(x, B, T, y);
            return y;
        }).ToArray();
        float[] stepInput = TestFloats.Uniform(B * FeedbackForecaster.InputSize, 30);
        float[] stepExpected = new float[B * FeedbackForecaster.OutputSize];
        model.Step(stepInput, stepExpected, model.CreateState(B));

        float[][] outputs = Enumerable.Range(0, Threads).Select(_ => new float[B * T * FeedbackForecaster.OutputSize]).ToArray();
        float[][] stepOutputs = Enumerable.Range(0, Threads).Select(_ => new float[B * FeedbackForecaster.OutputSize]).ToArray();
        FeedbackForecaster.State[] states = Enumerable.Range(0, Threads).Select(_ => model.CreateState(B)).ToArray();
        int[] wrong = new int[Threads];
        OnThreads((thread, call) =>
        {
            int c = (call + thread) % Cases;
            model.Predict(inputs[c], B, T, outputs[thread]);
            states[thread].Reset();
            model.Step(stepInput, stepOutputs[thread], states[thread]);
            if (!outputs[thread].AsSpan().SequenceEqual(expected[c]) || !stepOutputs[thread].AsSpan().SequenceEqual(stepExpected)) wrong[thread]++;
        });
        Assert.Equal(new int[Threads], wrong);
    }

    [Fact]
    public void The_inference_mode_loss_from_four_threads_equals_one_thread_bitwise()
    {
        const int B = 2, T = 3;
        ITrainableModel model = new TinyRegressor(seed: 15);
        float[][] inputs = Enumerable.Range(0, Cases).Select(c => TestFloats.Uniform(B * T * TinyRegressor.InputSize, 40 + c)).ToArray();
        float[][] targets = Enumerable.Range(0, Cases).Select(c => TestFloats.Uniform(B, 50 + c)).ToArray();
        float[] expected = Enumerable.Range(0, Cases)
            .Select(c => model.EvaluateBatch(new SequenceBatch { BatchSize = B, TimeSteps = T, Inputs = inputs[c], Targets = targets[c] }, default)).ToArray();
        int[] wrong = new int[Threads];
        OnThreads((thread, call) =>
        {
            int c = (call + thread) % Cases;
            float loss = model.EvaluateBatch(new SequenceBatch { BatchSize = B, TimeSteps = T, Inputs = inputs[c], Targets = targets[c] }, default);
            if (BitConverter.SingleToInt32Bits(loss) != BitConverter.SingleToInt32Bits(expected[c])) wrong[thread]++;
        });
        Assert.Equal(new int[Threads], wrong);
    }

    [Fact]
    public void Every_inference_member_allocates_nothing_on_any_thread_while_four_threads_run()
    {
        const int B = 2, T = 5, N = 4;
        var model = new HelloModel(seed: 16);
        var feedback = new FeedbackForecaster(seed: 17);
        var trees = new TreeLstmClassifier(seed: 18);
        int[][] tokens = Enumerable.Range(0, Cases).Select(c => Enumerable.Range(0, B * T).Select(i => (i * 5 + c) % 4).ToArray()).ToArray();
        int[][] prefixes = Enumerable.Range(0, Cases).Select(c => new[] { c % 4, (c / 4 + 2) % 4 }).ToArray();
        float[][] series = Enumerable.Range(0, Cases).Select(c => TestFloats.Uniform(B * 3 * FeedbackForecaster.InputSize, 60 + c)).ToArray();
        BinaryTree[][] forests = Enumerable.Range(0, Cases).Select(c => new[] { BinaryTree.Parse($"(({c % 7} 1) (2 {6 - c % 7}))", int.Parse), BinaryTree.Parse($"{c % 7}", int.Parse) }).ToArray();

        // one thread's results: Predict, Step, greedy Generate, beam Generate, the output-recurrent Predict and Step, tree Predict
        (float[] Predict, float[] Step, int[] Greedy, int[] Beam, float Score, float[] Feedback, float[] FeedbackStep, float[] Trees) Run(
            int c, HelloModel.State state, TokenSampler sampler, LanguageModelBeam beam, FeedbackForecaster.State feedbackState, (float[], float[], int[], int[], float, float[], float[], float[]) into)
        {
            var (predict, step, greedy, beamed, _, fed, fedStep, treeOut) = into;
            model.Predict(tokens[c], B, T, predict);
            state.Reset();
            model.Step(prefixes[c][0], step, state);
            state.Reset();
            model.Generate(prefixes[c], greedy, sampler, state);
            state.Reset();
            float score = model.Generate(prefixes[c], beamed, beam, state);
            feedback.Predict(series[c], B, 3, fed);
            feedbackState.Reset();
            feedback.Step(series[c].AsSpan(0, B * FeedbackForecaster.InputSize), fedStep, feedbackState);
            trees.Predict(forests[c], treeOut);
            return (predict, step, greedy, beamed, score, fed, fedStep, treeOut);
        }

        (float[], float[], int[], int[], float, float[], float[], float[]) Fresh() => (new float[B * T * HelloModel.OutputSize], new float[HelloModel.OutputSize], new int[N], new int[N], 0f,
            new float[B * 3 * FeedbackForecaster.OutputSize], new float[B * FeedbackForecaster.OutputSize], new float[2 * TreeLstmClassifier.OutputSize]);
        var greedyOptions = SamplingOptions.Greedy;
        var expected = Enumerable.Range(0, Cases)
            .Select(c => Run(c, model.CreateState(), new TokenSampler(greedyOptions), new LanguageModelBeam(3), feedback.CreateState(B), Fresh())).ToArray();
        Assert.True(expected.Select(e => string.Join(",", e.Beam)).Distinct().Count() > 1, "the cases should generate different tokens");

        var results = Enumerable.Range(0, Threads).Select(_ => Fresh()).ToArray();
        var states = Enumerable.Range(0, Threads).Select(_ => model.CreateState()).ToArray();
        var samplers = Enumerable.Range(0, Threads).Select(_ => new TokenSampler(greedyOptions)).ToArray();
        var beams = Enumerable.Range(0, Threads).Select(_ => new LanguageModelBeam(3)).ToArray();
        var feedbackStates = Enumerable.Range(0, Threads).Select(_ => feedback.CreateState(B)).ToArray();
        int[] wrong = new int[Threads];
        long[] allocated = OnThreads((thread, call) =>
        {
            int c = (call + thread) % Cases;
            var r = Run(c, states[thread], samplers[thread], beams[thread], feedbackStates[thread], results[thread]);
            var e = expected[c];
            if (!r.Predict.AsSpan().SequenceEqual(e.Predict) || !r.Step.AsSpan().SequenceEqual(e.Step) || !r.Greedy.AsSpan().SequenceEqual(e.Greedy)
                || !r.Beam.AsSpan().SequenceEqual(e.Beam) || BitConverter.SingleToInt32Bits(r.Score) != BitConverter.SingleToInt32Bits(e.Score)
                || !r.Feedback.AsSpan().SequenceEqual(e.Feedback) || !r.FeedbackStep.AsSpan().SequenceEqual(e.FeedbackStep) || !r.Trees.AsSpan().SequenceEqual(e.Trees))
            {
                wrong[thread]++;
            }
        }, warmUp: 4 * Cases);
        Assert.Equal(new int[Threads], wrong);
        Assert.Equal(new long[Threads], allocated);
    }

    [Fact]
    public void Inference_allocates_nothing_after_warm_up_and_Predict_between_Forward_and_Backward_changes_nothing()
    {
        const int B = 2, T = 5;
        var model = new HelloModel(seed: 10);
        int[] tokens = Enumerable.Range(0, B * T).Select(i => i % 4).ToArray();
        float[] y = new float[B * T * HelloModel.OutputSize];
        int[] generated = new int[5];
        var sampler = new TokenSampler(SamplingOptions.Greedy);
        HelloModel.State state = model.CreateState();
        int[] prefix = { 1 };
        model.Predict(tokens, B, T, y);
        model.Generate(prefix, generated, sampler, state);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            model.Predict(tokens, B, T, y);
            state.Reset();
            model.Generate(prefix, generated, sampler, state);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // inference has its own buffers: the caches of a training Forward survive it
        float[] dOut = TestFloats.Uniform(y.Length, 12);
        model.ZeroGradients();
        model.Forward(tokens, B, T, default);
        model.Backward(dOut);
        float[] expected = model.Gradients.ToArray();
        model.ZeroGradients();
        model.Forward(tokens, B, T, default);
        model.Predict(tokens.AsSpan(0, T), 1, T, new float[T * HelloModel.OutputSize]);
        model.Backward(dOut);
        Assert.Equal(expected, model.Gradients.ToArray());
    }

    [Fact]
    public void Training_members_refuse_to_overlap_a_Fit_on_another_thread_and_inference_waits_for_it()
    {
        var model = new Forecaster(seed: 12);
        float[] x = TestFloats.Uniform(8 * 3, 13), targets = TestFloats.Uniform(8, 14);
        var data = RnnGen.Data.SequenceDataSet.FromFloats(x, 8, 3, 1, targets, 1);
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var fit = new Thread(() => model.Fit(data, new Sgd(0.01f), new FitOptions
        {
            Epochs = 1,
            BatchSize = 4,
            OnBatchEnd = p =>
            {
                if (p.Batch != 1) return;
                inside.Set();
                release.Wait();
            },
        }));
        fit.Start();
        inside.Wait();
        float[] parameters = model.Parameters.ToArray();
        try
        {
            var forward = Assert.Throws<InvalidOperationException>(() => model.Forward(x, 8, 3, new float[8]));
            Assert.Contains("training members of one instance are single-threaded", forward.Message);
            Assert.Throws<InvalidOperationException>(() => model.Forward(new SequenceBatch { BatchSize = 8, TimeSteps = 3, Inputs = x, Targets = targets }, default));
            Assert.Throws<InvalidOperationException>(() => model.Backward());
            Assert.Throws<InvalidOperationException>(() => model.ZeroGradients());
            Assert.Throws<InvalidOperationException>(() => { model.Fit(data, new Sgd(0.01f), new FitOptions { Epochs = 1 }); });
            var predict = Assert.Throws<InvalidOperationException>(() => model.Predict(x, 8, 3, new float[8]));
            Assert.Contains("Predict", predict.Message);
            Assert.Throws<InvalidOperationException>(() => model.Step(x.AsSpan(0, 1), new float[1], model.CreateState()));
            Assert.Equal(parameters, model.Parameters.ToArray()); // the refused calls changed nothing
        }
        finally
        {
            release.Set();
            fit.Join();
        }

        model.Predict(x, 8, 3, new float[8]); // after Fit the model is free again
        model.Forward(x, 8, 3, new float[8]);
    }

    [Fact]
    public void Training_refuses_to_start_while_another_thread_runs_inference()
    {
        var guard = new ConcurrencyGuard();
        using (guard.Infer("Predict"))
        {
            Exception? refused = null;
            var trainer = new Thread(() =>
            {
                try
                {
                    using ConcurrencyGuard.TrainingScope use = guard.Train("Forward");
                }
                catch (InvalidOperationException e)
                {
                    refused = e;
                }
            });
            trainer.Start();
            trainer.Join();
            Assert.NotNull(refused);
            Assert.Contains("Forward: another thread is running an inference member", refused!.Message);

        }

        using (guard.Train("Fit"))
        {
            using ConcurrencyGuard.TrainingScope nested = guard.Train("Forward"); // Fit → Forward on one thread
            using ConcurrencyGuard.InferenceScope callback = guard.Infer("Predict"); // a callback of Fit on its thread
        }
    }
}
